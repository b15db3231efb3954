"""Cache keys of the model registry."""

from pricing_site.caching import cache_invalidate

# Cleared on every promotion; the timeout only bounds memory.
PRODUCTION_VERSION_TTL = 24 * 3600


def production_version_key(*, task: str) -> str:
    return f"mlmodels:production_version:v1:{task}"


def production_version_cache_clear(*, task: str) -> None:
    cache_invalidate(keys=[production_version_key(task=task)])
