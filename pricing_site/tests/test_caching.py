"""The two cache tiers: Redis for every process, memory per process, tied by the generation."""

import pytest
from django.core.cache import cache

from pricing_site.caching import (
    GENERATION_KEY,
    cache_generation_get,
    cache_get_or_load,
    cache_invalidate,
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
