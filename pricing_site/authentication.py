"""Token authentication for API clients, served from the cache."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.request import Request

from pricing_site.selectors import api_client_get

ACCEPTED_KEYWORDS = (b"token", b"bearer")


def authorization_token(header: bytes) -> str | None:
    """The key in an `Authorization: Token <key>` (or `Bearer <key>`) header; None for another
    scheme or no header; AuthenticationFailed when malformed."""
    parts = header.split()
    if not parts or parts[0].lower() not in ACCEPTED_KEYWORDS:
        return None
    if len(parts) != 2:
        raise exceptions.AuthenticationFailed(
            "Invalid Authorization header: expected 'Token <key>'."
        )
    try:
        return parts[1].decode()
    except UnicodeError as exc:
        raise exceptions.AuthenticationFailed("Invalid token: not plain text.") from exc


class CachedTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` (or `Bearer <key>`), checked against the cached client."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        key = authorization_token(get_authorization_header(request))
        if key is None:
            return None
        return self.authenticate_credentials(key)

    def authenticate_credentials(self, key: str) -> tuple[AbstractBaseUser, str]:
        principal = api_client_get(token_key=key)
        if principal is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if not principal.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return principal.user, key
