"""API key authentication for API clients, served from the cache."""

import time
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from pricing_site.selectors import api_client_get, api_key_prefix
from pricing_site.services import api_key_used

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


class CachedTokenAuthentication(BaseAuthentication):
    """`Authorization: Token <key>` (or `Bearer <key>`), checked against the cached hash of the
    key its prefix names. `request.auth` is the key's prefix, never the secret."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        key = authorization_token(get_authorization_header(request))
        if key is None:
            return None
        return self.authenticate_credentials(key)

    def authenticate_credentials(self, key: str) -> tuple[AbstractBaseUser, str]:
        prefix = api_key_prefix(key)
        principal = api_client_get(prefix=prefix)
        if principal is None or not principal.matches(key):
            raise exceptions.AuthenticationFailed("Invalid token.")
        if principal.revoked:
            raise exceptions.AuthenticationFailed(
                f"API key {prefix} was revoked: ask for a new one.", code="token_revoked"
            )
        if principal.expires_at is not None and principal.expires_at <= time.time():
            raise exceptions.AuthenticationFailed(
                f"API key {prefix} has expired: ask for a new one.", code="token_expired"
            )
        if not principal.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        api_key_used(key_id=principal.key_id)
        return principal.user, prefix

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class CachedTokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes the key (drf-spectacular knows DRF's own classes only)."""

    target_class = CachedTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'An API key with the prefix "Token": `Authorization: Token '
            "<prefix>.<secret>`. Expired keys answer 401 `token_expired`, revoked keys "
            "`token_revoked`.",
        }
