"""Reads shared by every app: the API client behind a token, a staff account by name."""

from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from rest_framework.authtoken.models import Token

from pricing_site.caching import API_CLIENT_TTL, api_client_key, cache_get_or_load
from pricing_site.exceptions import NotFoundError


@dataclass(frozen=True)
class ApiClientPrincipal:
    user_id: int
    username: str
    is_active: bool
    is_staff: bool
    is_superuser: bool
    permissions: frozenset[str]

    @cached_property
    def user(self) -> AbstractBaseUser:
        """An unsaved user carrying the cached permissions, so permission checks need no query.

        Built once per principal: a process keeps the principal in memory while the cache
        generation holds, so its requests share this user (nothing in a request changes it) and
        a token or permission change, which starts a new generation, builds a new one."""
        user = get_user_model()(
            id=self.user_id,
            username=self.username,
            is_active=self.is_active,
            is_staff=self.is_staff,
            is_superuser=self.is_superuser,
        )
        user._perm_cache = set(self.permissions)  # type: ignore[attr-defined]
        return user


def api_client_get(*, token_key: str) -> ApiClientPrincipal | None:
    """The client that owns *token_key*, or None; cached so an API request makes no auth query."""

    def load() -> ApiClientPrincipal | None:
        token = Token.objects.select_related("user").filter(key=token_key).first()
        if token is None:
            return None
        user = token.user
        return ApiClientPrincipal(
            user_id=user.pk,
            username=user.get_username(),
            is_active=user.is_active,
            is_staff=user.is_staff,
            is_superuser=user.is_superuser,
            permissions=frozenset(user.get_all_permissions()),
        )

    return cache_get_or_load(
        key=api_client_key(token_key=token_key),
        entity="api_client",
        loader=load,
        timeout=API_CLIENT_TTL,
    )


def staff_user_get(*, username: str) -> AbstractBaseUser:
    """The active staff account named *username* (a command names who approves or drafts)."""
    user = get_user_model().objects.filter(username=username, is_active=True, is_staff=True).first()
    if user is None:
        raise NotFoundError(
            f"There is no active staff account named {username!r}.", code="user_not_found"
        )
    return user
