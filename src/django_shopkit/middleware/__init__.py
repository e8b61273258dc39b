"""Production middlewares: throttled active-user tracking and structured request logging.

Add them to ``MIDDLEWARE`` by their full paths,
``django_shopkit.middleware.RequestLoggingMiddleware`` first and
``django_shopkit.middleware.ActiveUserMiddleware`` after ``AuthenticationMiddleware``.
"""

from django_shopkit.middleware.active_user import ActiveUserMiddleware
from django_shopkit.middleware.request_logging import RequestLoggingMiddleware

__all__ = ["ActiveUserMiddleware", "RequestLoggingMiddleware"]
