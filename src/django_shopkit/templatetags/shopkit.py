"""Template tags shared by the shopkit storefront templates."""

import contextlib

from django import template
from django.apps import apps
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, Resolver404, get_script_prefix, resolve, reverse

register = template.Library()


@register.simple_tag
def shopkit_app_installed(app_name: str) -> bool:
    """Return whether an app (e.g. ``"django_shopkit.orders"``) is in ``INSTALLED_APPS``.

    Lets a catalog template offer orders features without the catalog importing orders.
    """
    return apps.is_installed(app_name)


@register.simple_tag
def shopkit_account_urls() -> dict[str, str | None]:
    """Return the sign-in (``LOGIN_URL``) and sign-out (URL name ``logout``) URLs, if any.

    A project without a ``logout`` URL or whose ``LOGIN_URL`` does not resolve gets ``None``
    for it, and the base template leaves the link out instead of failing.
    """
    urls: dict[str, str | None] = {"login": None, "logout": None}
    try:
        login = resolve_url(settings.LOGIN_URL)
        prefix = get_script_prefix()
        if login.startswith(prefix):  # a page of this site: only if something serves it
            resolve("/" + login.removeprefix(prefix))
        urls["login"] = login
    except (NoReverseMatch, Resolver404):
        pass
    with contextlib.suppress(NoReverseMatch):
        urls["logout"] = reverse("logout")
    return urls
