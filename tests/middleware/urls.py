"""A tiny URLconf for the middleware tests: sync and async views, one that raises."""

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path


def ok(request: HttpRequest) -> HttpResponse:
    """Answer without looking at the user."""
    return HttpResponse("ok")


def whoami(request: HttpRequest) -> JsonResponse:
    """Look at the user, as most views do, and echo the request id."""
    return JsonResponse(
        {
            "authenticated": request.user.is_authenticated,
            "request_id": getattr(request, "request_id", None),
        }
    )


def set_user(request: HttpRequest) -> HttpResponse:
    """Authenticate during the view, as Django REST framework does for a token."""
    request.user = get_user_model()._default_manager.get(pk=request.GET["pk"])
    return HttpResponse("ok")


def boom(request: HttpRequest) -> HttpResponse:
    raise ValueError("boom")


async def async_ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


async def async_whoami(request: HttpRequest) -> JsonResponse:
    user = await request.auser()
    return JsonResponse(
        {
            "authenticated": user.is_authenticated,
            "request_id": getattr(request, "request_id", None),
        }
    )


async def async_boom(request: HttpRequest) -> HttpResponse:
    raise ValueError("async boom")


urlpatterns = [
    path("ok/", ok, name="mw-ok"),
    path("whoami/", whoami, name="mw-whoami"),
    path("set-user/", set_user, name="mw-set-user"),
    path("boom/", boom, name="mw-boom"),
    path("health/", ok, name="mw-health"),
    path("async/ok/", async_ok, name="mw-async-ok"),
    path("async/whoami/", async_whoami, name="mw-async-whoami"),
    path("async/boom/", async_boom, name="mw-async-boom"),
]
