"""API permissions: reads need an authenticated client, writes the model permission they change."""

from typing import TYPE_CHECKING

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

if TYPE_CHECKING:  # rest_framework.views imports this module through the settings
    from rest_framework.views import APIView


class ReadTokenWriteModelPermission(BasePermission):
    """Views that write declare `write_permissions`; a write view that declares none is refused.

    A POST that only computes (a prediction) declares `computes_only = True` and needs a token.
    """

    message = "Your API client lacks the permission this operation needs."

    def has_permission(self, request: Request, view: "APIView") -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        method = request.method or ""
        # A method the view does not offer must answer 405, not 403.
        if method in SAFE_METHODS or not hasattr(view, method.lower()):
            return True
        if getattr(view, "computes_only", False):
            return True
        required = getattr(view, "write_permissions", None)
        return bool(required) and user.has_perms(required or ())
