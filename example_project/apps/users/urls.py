"""URLs of the users API, mounted at ``api/auth/``."""

from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token

from .views import RegisterView

app_name = "users"

urlpatterns = [
    path("register/", RegisterView.as_view(), name="register"),
    # POST username (the e-mail address) and password; answers {"token": "..."}.
    path("token/", obtain_auth_token, name="token"),
]
