"""URLs of the users API, mounted at ``api/auth/``."""

from django.urls import path

from .views import RegisterView, ThrottledObtainAuthToken

app_name = "users"

urlpatterns = [
    path("register/", RegisterView.as_view(), name="register"),
    # POST username (the e-mail address) and password; answers {"token": "..."}.
    path("token/", ThrottledObtainAuthToken.as_view(), name="token"),
]
