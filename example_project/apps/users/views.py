"""Views of the users API."""

from rest_framework import generics, permissions
from rest_framework.throttling import ScopedRateThrottle

from .serializers import RegistrationSerializer


class RegisterView(generics.CreateAPIView):
    """Create an account; open to anonymous visitors, rate-limited per client."""

    serializer_class = RegistrationSerializer
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []  # no session, so no CSRF check for API clients
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "register"
