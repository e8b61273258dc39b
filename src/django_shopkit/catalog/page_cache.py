"""Whole-page caching of storefront pages that are the same for every anonymous visitor.

Django's ``cache_page`` stores a view's response before the middlewares below the view add
``Vary: Cookie`` (sessions, CSRF), so a signed-in visitor's page (their e-mail, their CSRF
token) could be served to everyone. :func:`cache_anonymous_page` caches and serves only
responses to visitors without a session cookie, and only responses that set no cookie and used
no CSRF token; everyone else gets a freshly rendered page. Keys carry the catalog's ``products``
version, so a product change shows at once; a cache that is down is a miss.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings as django_settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import patch_response_headers, patch_vary_headers
from django.utils.translation import get_language

from django_shopkit.catalog.cache import (
    PRODUCTS,
    current_version,
    get_cache,
    make_key,
    safe_cache_call,
)
from django_shopkit.conf import settings

__all__ = ["cache_anonymous_page", "is_cacheable_request"]

_View = Callable[..., HttpResponseBase]


def is_cacheable_request(request: HttpRequest) -> bool:
    """Return whether the page for ``request`` may come from (and go to) the shared cache.

    Override by wrapping: only GET and HEAD requests of visitors who carry no session cookie
    and are not signed in (e.g. by HTTP auth) qualify.
    """
    if request.method not in ("GET", "HEAD"):
        return False
    if django_settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _is_cacheable_response(request: HttpRequest, response: HttpResponseBase) -> bool:
    return (
        isinstance(response, HttpResponse)
        and response.status_code == 200
        and not response.cookies
        # A CSRF token in the page belongs to one visitor.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in response.get("Cache-Control", "")
    )


def cache_anonymous_page(timeout: int | None = None) -> Callable[[_View], _View]:
    """Cache a view's page for anonymous visitors for ``timeout`` seconds.

    ``timeout`` defaults to ``SHOPKIT_PAGE_CACHE_TIMEOUT``, read at request time.
    """

    def decorator(view: _View) -> _View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not is_cacheable_request(request):
                response = view(request, *args, **kwargs)
                patch_vary_headers(response, ["Cookie"])
                return response
            version = current_version(PRODUCTS)
            if version is None:  # the cache is down: render
                return view(request, *args, **kwargs)
            path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
            key = make_key("page", version, get_language(), request.get_host(), path)
            cache = get_cache()
            seconds = settings.SHOPKIT_PAGE_CACHE_TIMEOUT if timeout is None else timeout
            hit = safe_cache_call("reading a page", lambda: cache.get(key), None)
            if hit is not None:
                content, content_type = hit
                response = HttpResponse(content, content_type=content_type)
                patch_response_headers(response, seconds)
            else:
                response = view(request, *args, **kwargs)
                render = getattr(response, "render", None)
                if callable(render):
                    render()
                if _is_cacheable_response(request, response):
                    assert isinstance(response, HttpResponse)
                    entry = (response.content, response["Content-Type"])
                    safe_cache_call("storing a page", lambda: cache.set(key, entry, seconds), None)
                    patch_response_headers(response, seconds)
            patch_vary_headers(response, ["Cookie"])
            return response

        return wrapper

    return decorator
