"""Cache reads shared by every selector, and the cache keys of API client credentials.

Two tiers. Redis holds every cached value for all processes. Each process also keeps the values
it read in memory, tagged with the cache *generation*: a token in Redis that every invalidation
replaces. A request reads the generation once (middleware); while it has not changed, values
come from memory, so a warm request makes one Redis round trip instead of one per value, and a
write anywhere is still seen by every process on its next request. An API request counts its
client's requests for the throttle in that same round trip. Outside requests (commands, tasks),
and whenever Redis does not answer, the memory tier is skipped.
"""

import contextvars
import hashlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

from pricing_site.metrics import CACHE_REQUESTS

# The logger django-redis reports the errors it ignores to (DJANGO_REDIS_LOGGER).
logger = logging.getLogger("pricing_site.cache")

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


@dataclass(frozen=True)
class WindowCounter:
    """A count of events in a fixed window of time, such as one client's requests this minute."""

    key: str
    seconds: int


def window_counter_increment(*, counter: WindowCounter) -> int | None:
    """Count one more event in *counter*'s window; None when the cache does not answer."""
    try:
        return cache.incr(counter.key)
    except ValueError:  # the first event of the window
        return 1 if cache.add(counter.key, 1, counter.seconds) else cache.incr(counter.key)


def cache_generation_get_and_count(*, counter: WindowCounter) -> tuple[str | None, int | None]:
    """The current generation and *counter* incremented, in one round trip to Redis; None for
    what Redis did not answer."""
    if not settings.REDIS_URL:
        return cache_generation_get(), window_counter_increment(counter=counter)
    from django_redis import get_redis_connection

    counter_key = cache.make_key(counter.key)
    try:
        pipeline = get_redis_connection("default").pipeline(transaction=False)
        pipeline.get(cache.make_key(GENERATION_KEY))
        pipeline.incr(counter_key)
        pipeline.expire(counter_key, counter.seconds, nx=True)
        stored, count, _ = pipeline.execute()
    except (RedisError, OSError) as exc:
        # As the cache client does with IGNORE_EXCEPTIONS: the request goes on without Redis.
        logger.warning("Redis did not answer: %s", exc)
        return None, None
    if stored is None:  # no generation yet: the first request after Redis was emptied
        return cache_generation_get(), count
    # The generation was stored through the cache client, so its encoding decodes it.
    return cast(str, cast(Any, cache).client.decode(stored)), count


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


def token_digest(*, token_key: str) -> str:
    """What keys and logs name a token by: never the secret itself."""
    return hashlib.sha256(token_key.encode()).hexdigest()


def api_client_key(*, token_key: str) -> str:
    return f"pricing_site:api_client:v1:{token_digest(token_key=token_key)}"


def api_client_cache_clear(*, token_keys: list[str]) -> None:
    cache_invalidate(keys=[api_client_key(token_key=key) for key in token_keys])
