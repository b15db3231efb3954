"""Cache reads shared by every selector, and the cache keys of API client credentials."""

import hashlib
from collections.abc import Callable

from django.core.cache import cache

from pricing_site.metrics import CACHE_REQUESTS

# A permission granted to a client's group takes effect within this many seconds; token and user
# changes are cleared at once by the receivers.
API_CLIENT_TTL = 60

_MISSING = object()


def cache_get_or_load[T](*, key: str, entity: str, loader: Callable[[], T], timeout: int) -> T:
    """Return the cached value under *key*, or load, store and return it; counts hits and misses.

    A stored None is a hit, so "known absent" can be cached too. When Redis is down the cache
    client answers a miss (IGNORE_EXCEPTIONS) and the value comes from the loader.
    """
    value = cache.get(key, _MISSING)
    if value is not _MISSING:
        CACHE_REQUESTS.labels(entity=entity, result="hit").inc()
        return value  # type: ignore[return-value]
    CACHE_REQUESTS.labels(entity=entity, result="miss").inc()
    value = loader()
    cache.set(key, value, timeout)
    return value


def api_client_key(*, token_key: str) -> str:
    digest = hashlib.sha256(token_key.encode()).hexdigest()
    return f"pricing_site:api_client:v1:{digest}"


def api_client_cache_clear(*, token_keys: list[str]) -> None:
    cache.delete_many([api_client_key(token_key=key) for key in token_keys])
