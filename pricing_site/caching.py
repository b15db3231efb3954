"""Cache reads shared by every selector, and the cache keys of API client credentials.

Two tiers. Redis holds every cached value for all processes. Each process also keeps the values
it read in memory, tagged with the cache *generation*: a token in Redis that every invalidation
replaces. A request takes the generation from `cache_sync` (middleware); while it has not
changed, values come from memory. `cache_sync` asks Redis at most every
PRICING_CACHE_SYNC_INTERVAL_S per process, in one round trip that also adds up the throttle's
counts, so a warm request makes no round trip at all, and a write anywhere is seen by every
process within that interval. Outside requests (commands, tasks), and whenever Redis does not
answer, the memory tier is skipped.
"""

import contextvars
import hashlib
import logging
import math
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
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
    ends_at: float  # time.time() at the end of the window


def window_counter_increment(*, counter: WindowCounter, events: int = 1) -> int | None:
    """Add *events* to *counter*'s window and return its count; None when the cache does not
    answer."""
    try:
        return cache.incr(counter.key, events)
    except ValueError:  # the first events of the window
        if cache.add(counter.key, events, counter.seconds):
            return events
        return cache.incr(counter.key, events)


@dataclass
class ProcessSync:
    """What this process last heard from Redis, and the events it has not told Redis yet."""

    generation: str | None = None  # None while Redis does not answer
    synced_at: float = -math.inf
    counts: dict[WindowCounter, int] = field(default_factory=dict)
    unsent: dict[WindowCounter, int] = field(default_factory=dict)


_process = ProcessSync()
_process_lock = threading.Lock()


def cache_sync(*, counter: WindowCounter | None = None) -> tuple[str | None, int | None]:
    """The generation a request reads the cache with, and *counter*'s events in its window with
    this one counted (None for what Redis did not answer).

    Redis is asked at most every PRICING_CACHE_SYNC_INTERVAL_S per process, in one round trip
    that reads the generation and adds the events this process counted since. In between, a
    write by another process is seen that much later at most (this process sees its own at
    once), and a count is what Redis answered plus this process's events since: never more
    than the true count, so a client is never refused wrongly, and may exceed its rate by what
    the other processes served it in one interval.
    """
    with _process_lock:
        if counter is not None:
            _process.unsent[counter] = _process.unsent.get(counter, 0) + 1
        now = time.monotonic()
        if now - _process.synced_at >= settings.PRICING_CACHE_SYNC_INTERVAL_S:
            _process_sync(now)
        if counter is None or _process.generation is None:
            return _process.generation, None
        count = _process.counts.get(counter, 0) + _process.unsent.get(counter, 0)
        return _process.generation, count


def _process_sync(now: float) -> None:
    unsent, _process.unsent = _process.unsent, {}
    _process.synced_at = now
    try:
        generation, counts = _redis_sync(unsent) if settings.REDIS_URL else _cache_sync(unsent)
    except (RedisError, OSError) as exc:
        # As the cache client does with IGNORE_EXCEPTIONS: requests go on without Redis.
        logger.warning("Redis did not answer: %s", exc)
        _process.generation, _process.counts = None, {}
        return
    _process.generation = generation
    wall = time.time()
    _process.counts = {  # counters of windows that ended are forgotten
        counter: count
        for counter, count in {**_process.counts, **counts}.items()
        if counter.ends_at > wall
    }


def _redis_sync(unsent: dict[WindowCounter, int]) -> tuple[str | None, dict[WindowCounter, int]]:
    from django_redis import get_redis_connection

    pipeline = get_redis_connection("default").pipeline(transaction=False)
    pipeline.get(cache.make_key(GENERATION_KEY))
    for counter, events in unsent.items():
        key = cache.make_key(counter.key)
        pipeline.incrby(key, events)
        pipeline.expire(key, counter.seconds, nx=True)
    stored, *answers = pipeline.execute()
    counts = dict(zip(unsent, answers[::2], strict=True))
    if stored is None:  # no generation yet: the first request after Redis was emptied
        return cache_generation_get(), counts
    # The generation was stored through the cache client, so its encoding decodes it.
    return cast(str, cast(Any, cache).client.decode(stored)), counts


def _cache_sync(unsent: dict[WindowCounter, int]) -> tuple[str | None, dict[WindowCounter, int]]:
    """Without Redis (`make run`'s file cache): the same answers, one cache call each."""
    counts = {
        counter: count
        for counter, events in unsent.items()
        if (count := window_counter_increment(counter=counter, events=events)) is not None
    }
    return cache_generation_get(), counts


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
    generation = uuid.uuid4().hex
    cache.set(GENERATION_KEY, generation, timeout=None)
    _local.clear()  # this process sees the change within the current request too
    with _process_lock:
        _process.generation = generation


def token_digest(*, token_key: str) -> str:
    """What the throttle counts a key's requests by: never the secret itself."""
    return hashlib.sha256(token_key.encode()).hexdigest()


def api_client_key(*, prefix: str) -> str:
    # The key's public prefix: the cache never holds a secret, only its hash.
    return f"pricing_site:api_client:v3:{prefix}"


def api_client_cache_clear(*, prefixes: list[str]) -> None:
    cache_invalidate(keys=[api_client_key(prefix=prefix) for prefix in prefixes])
