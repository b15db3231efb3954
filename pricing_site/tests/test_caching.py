"""The two cache tiers: Redis for every process, memory per process, tied by the generation."""

import time

import pytest
from django.core.cache import cache

from pricing_site.caching import (
    GENERATION_KEY,
    WindowCounter,
    cache_generation_get,
    cache_get_or_load,
    cache_invalidate,
    cache_sync,
    request_generation,
)


@pytest.fixture
def in_request():
    token = request_generation.set(cache_generation_get())
    yield
    request_generation.reset(token)


def load(value):
    return cache_get_or_load(key="test:value", entity="test", loader=lambda: value, timeout=60)


def test_cache_get_or_load_serves_memory_while_generation_unchanged(in_request):
    load("first")
    cache.delete("test:value")  # Redis alone forgetting a value does not change the generation

    assert load("second") == "first"


def test_a_write_in_another_process_reaches_this_one_through_the_generation(in_request):
    load("first")
    # What another process's cache_invalidate leaves in Redis; this process's memory is untouched.
    cache.delete("test:value")
    cache.set(GENERATION_KEY, "generation-of-another-process", timeout=None)
    request_generation.set(cache_generation_get())  # this process's next request

    assert load("second") == "second"


def test_cache_invalidate_starts_a_new_generation_for_every_process():
    before = cache_generation_get()

    cache_invalidate(keys=["test:value"])

    assert cache_generation_get() not in {before, None}


def test_cache_get_or_load_skips_memory_outside_requests():
    assert request_generation.get() is None
    load("first")
    cache.delete("test:value")

    assert load("second") == "second"


def test_cache_generation_get_answers_none_when_redis_is_down(settings):
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}
    }

    assert cache_generation_get() is None


def window_counter(key="test:counter"):
    return WindowCounter(key=key, seconds=60, ends_at=time.time() + 60)


def test_cache_sync_reads_the_generation_and_counts_in_the_window():
    counter = window_counter()

    first = cache_sync(counter=counter)
    second = cache_sync(counter=counter)

    assert (first, second) == ((cache_generation_get(), 1), (cache_generation_get(), 2))
    assert 0 < cache.ttl("test:counter") <= 60


def test_cache_sync_starts_the_generation_when_redis_has_none():
    cache.delete(GENERATION_KEY)

    generation, count = cache_sync(counter=window_counter())

    assert (generation, count) == (cache.get(GENERATION_KEY), 1)
    assert generation is not None


def test_cache_sync_answers_none_when_redis_is_down(settings):
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}
    }

    assert cache_sync(counter=window_counter()) == (None, None)


def test_cache_sync_counts_in_the_local_cache_without_redis(settings, tmp_path):
    settings.REDIS_URL = ""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        }
    }
    counter = window_counter()

    counts = [cache_sync(counter=counter)[1] for _ in range(2)]

    assert counts == [1, 2]


def test_cache_sync_asks_redis_once_an_interval_and_counts_locally_between(
    settings, redis_round_trips
):
    counter = window_counter()
    cache_sync(counter=counter)  # synced now
    settings.PRICING_CACHE_SYNC_INTERVAL_S = 60
    # What another process does meanwhile: a write, and 5 requests of the same client.
    cache.set(GENERATION_KEY, "generation-of-another-process", timeout=None)
    cache.incr("test:counter", 5)
    redis_round_trips.clear()  # what cache_sync sends from here

    within = [cache_sync(counter=counter) for _ in range(2)]
    settings.PRICING_CACHE_SYNC_INTERVAL_S = 0
    after = cache_sync(counter=counter)

    assert len(redis_round_trips) == 1  # the round trip after the interval, none within it
    assert [count for _, count in within] == [2, 3]
    assert within[0][0] != "generation-of-another-process"
    assert after == ("generation-of-another-process", 9)


def test_cache_invalidate_reaches_this_process_at_once_whatever_the_interval(settings):
    cache_sync()
    settings.PRICING_CACHE_SYNC_INTERVAL_S = 60

    cache_invalidate(keys=["test:value"])

    assert cache_sync() == (cache_generation_get(), None)
