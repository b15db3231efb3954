"""Reads shared by every app: the API client behind a key, a staff account by name."""

from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from rest_framework_api_key.crypto import KeyGenerator

from pricing_site.caching import API_CLIENT_TTL, api_client_key, cache_get_or_load
from pricing_site.exceptions import NotFoundError
from pricing_site.models import ApiKey

# Keys issued before they were hashed (40 hexadecimal digits, no dot) are named by their start.
LEGACY_PREFIX_LENGTH = 8


@dataclass(frozen=True)
class ApiClientPrincipal:
    """A key and its client as the cache keeps them: what authenticating a request needs."""

    key_id: str
    hashed_key: str
    revoked: bool
    expires_at: float | None  # a POSIX timestamp
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
        a key or permission change, which starts a new generation, builds a new one."""
        user = get_user_model()(
            id=self.user_id,
            username=self.username,
            is_active=self.is_active,
            is_staff=self.is_staff,
            is_superuser=self.is_superuser,
        )
        user._perm_cache = set(self.permissions)  # type: ignore[attr-defined]
        return user

    def matches(self, key: str) -> bool:
        """Whether *key* is this one (its hash compared in constant time)."""
        return KEY_GENERATOR.verify(key, self.hashed_key)


KEY_GENERATOR = KeyGenerator()


def api_key_prefix(key: str) -> str:
    """The public part of *key*, which names it: before the dot (or a legacy key's start)."""
    prefix, dot, _ = key.partition(".")
    return prefix if dot else key[:LEGACY_PREFIX_LENGTH]


def api_client_get(*, prefix: str) -> ApiClientPrincipal | None:
    """The key named *prefix* and its client, or None; cached so an API request makes no auth
    query (the secret is checked against the cached hash)."""

    def load() -> ApiClientPrincipal | None:
        api_key = ApiKey.objects.select_related("client").filter(prefix=prefix).first()
        if api_key is None:
            return None
        user = api_key.client
        return ApiClientPrincipal(
            key_id=api_key.pk,
            hashed_key=api_key.hashed_key,
            revoked=api_key.revoked,
            expires_at=api_key.expiry_date.timestamp() if api_key.expiry_date else None,
            user_id=user.pk,
            username=user.get_username(),
            is_active=user.is_active,
            is_staff=user.is_staff,
            is_superuser=user.is_superuser,
            permissions=frozenset(user.get_all_permissions()),
        )

    return cache_get_or_load(
        key=api_client_key(prefix=prefix),
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
