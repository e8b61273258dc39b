"""The storefront's base template links to sign-in and sign-out when the project has them."""

import pytest
from django.test import override_settings
from django.urls import include, path, reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db

LIST = "shopkit_catalog:product-list"

urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("django_shopkit.storefront_urls")),
]


@override_settings(ROOT_URLCONF=__name__, LOGIN_URL="login")
def test_anonymous_visitor_gets_a_sign_in_link_back_to_the_page(client):
    html = client.get(reverse(LIST)).content.decode()
    assert f'href="/accounts/login/?next={reverse(LIST)}" id="nav-login"' in html
    assert 'id="nav-logout"' not in html


@override_settings(ROOT_URLCONF=__name__, LOGIN_URL="login")
def test_signed_in_user_gets_a_sign_out_button(client):
    user = make_user()
    client.force_login(user)
    html = client.get(reverse(LIST)).content.decode()
    assert 'action="/accounts/logout/"' in html
    assert user.get_username() in html
    assert 'id="nav-login"' not in html


@override_settings(ROOT_URLCONF=__name__, LOGIN_URL="login")
def test_shipped_sign_in_page_signs_in(client):
    user = make_user(password="pw-for-test")
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert "registration/login.html" in [t.name for t in page.templates]
    response = client.post(
        reverse("login"),
        {"username": user.get_username(), "password": "pw-for-test", "next": reverse(LIST)},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(LIST)


def test_no_sign_in_link_when_the_project_serves_no_login_page(client):
    # tests.urls mounts no auth URLs and LOGIN_URL is Django's default /accounts/login/.
    html = client.get(reverse(LIST)).content.decode()
    assert 'id="nav-login"' not in html
    assert client.get(reverse(LIST)).status_code == 200
