"""Permissions of the catalog API: public reads, writes for owners or staff."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.views import APIView

__all__ = ["IsOwnerOrReadOnly", "IsStaffOrReadOnly"]


class IsOwnerOrReadOnly(IsAuthenticatedOrReadOnly):
    """Let anyone read; let signed-in users create; let the owner or staff change an object.

    ``has_permission`` is DRF's :class:`IsAuthenticatedOrReadOnly`'s. The owner is the
    object's ``owner_field`` (``created_by`` by default); override the attribute in a subclass
    for models that name it differently.
    """

    owner_field = "created_by"

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        """Allow reads to anyone and writes to the object's owner or to staff."""
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if user.is_staff:
            return True
        owner_id = getattr(obj, f"{self.owner_field}_id", None)
        return owner_id is not None and owner_id == user.pk


class IsStaffOrReadOnly(BasePermission):
    """Let anyone read; let only staff write."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        """Allow reads to anyone and writes to staff users."""
        return request.method in SAFE_METHODS or bool(
            request.user and request.user.is_authenticated and request.user.is_staff
        )
