"""URLs of the users API, mounted at ``api/auth/``."""

from django.urls import path

from .views import RegisterView

app_name = "users"

urlpatterns = [
    path("register/", RegisterView.as_view(), name="register"),
]
