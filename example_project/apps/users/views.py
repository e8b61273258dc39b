"""Views of the users API."""

from rest_framework import generics, permissions, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle

from .authentication import LoginFailureThrottle
from .serializers import RegistrationSerializer


class RegisterView(generics.CreateAPIView):
    """Create an account; open to anonymous visitors, rate-limited per client."""

    serializer_class = RegistrationSerializer
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []  # no session, so no CSRF check for API clients
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "register"


class ThrottledObtainAuthToken(ObtainAuthToken):
    """DRF's token endpoint, with failed sign-ins throttled per client like Basic auth.

    Each attempt costs a password hash; after ``LOGIN_FAILURE_THROTTLE_RATE`` failures from one
    client address, further attempts are refused with 429 before any hashing.
    """

    def post(self, request, *args, **kwargs):
        LoginFailureThrottle(request).check()
        return super().post(request, *args, **kwargs)

    def handle_exception(self, exc):
        # A 400 here is a wrong e-mail or password (or a malformed body): count it.
        response = super().handle_exception(exc)
        if response.status_code == status.HTTP_400_BAD_REQUEST:
            LoginFailureThrottle(self.request).failed()
        return response
