"""Cache reads shared by every selector, and the cache keys of API client credentials.

Two tiers. Redis holds every cached value for all processes. Each process also keeps the values
it read in memory, tagged with the cache *generation*: a token in Redis that every invalidation
replaces. A request reads the generation once (middleware); while it has not changed, values
come from memory, so a warm request makes one Redis round trip instead of one per value, and a
write anywhere is still seen by every process on its next request. Outside requests (commands,
tasks), and whenever Redis does not answer, the memory tier is skipped.
"""

import contextvars
import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

from pricing_site.metrics import CACHE_REQUESTS

# A permission granted to a client's group takes effect within this many seconds; token and user
# changes are cleared at once by the receivers.
API_CLIENT_TTL = 60
GENERATION_KEY = "pricing_site:generation:v1"
# Bounds each process's memory tier (zipcodes are the largest family: 9,000 entries).
LOCAL_MAX_ENTRIES = 50_000

_MISSING = object()
_local: dict[str, tuple[str, Any]] = {}
request_generation: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_generation", default=None
)


def cache_generation_get() -> str | None:
    """The current generation, created when Redis has none; None when Redis does not answer."""
    generation = cache.get(GENERATION_KEY)
    if generation is None and cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None):
        generation = cache.get(GENERATION_KEY)
    return generation


def cache_get_or_load[T](*, key: str, entity: str, loader: Callable[[], T], timeout: int) -> T:
    """Return the cached value under *key*, or load, store and return it; counts hits and misses.

    A stored None is a hit, so "known absent" can be cached too. When Redis is down the cache
    client answers a miss (IGNORE_EXCEPTIONS) and the value comes from the loader.
    """
    generation = request_generation.get()
    if generation is not None:
        local = _local.get(key)
        if local is not None and local[0] == generation:
            CACHE_REQUESTS.labels(entity=entity, result="hit").inc()
            return local[1]  # type: ignore[no-any-return]
    value = cache.get(key, _MISSING)
    if value is not _MISSING:
        CACHE_REQUESTS.labels(entity=entity, result="hit").inc()
    else:
        CACHE_REQUESTS.labels(entity=entity, result="miss").inc()
        value = loader()
        cache.set(key, value, timeout)
    if generation is not None:
        if len(_local) >= LOCAL_MAX_ENTRIES:
            _local.clear()
        _local[key] = (generation, value)
    return value  # type: ignore[no-any-return]


def cache_invalidate(*, keys: list[str]) -> None:
    """Delete *keys* and start a new generation, so every process drops its memory tier."""
    cache.delete_many(keys)
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    _local.clear()  # this process sees the change within the current request too


def api_client_key(*, token_key: str) -> str:
    digest = hashlib.sha256(token_key.encode()).hexdigest()
    return f"pricing_site:api_client:v1:{digest}"


def api_client_cache_clear(*, token_keys: list[str]) -> None:
    cache_invalidate(keys=[api_client_key(token_key=key) for key in token_keys])
