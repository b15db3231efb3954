"""Cache keys of the model registry."""

from pricing_site.caching import cache_invalidate

# Cleared on every promotion; the timeout only bounds memory.
PRODUCTION_VERSION_TTL = 24 * 3600


def production_version_key(*, task: str) -> str:
    return f"mlmodels:production_version:v1:{task}"


def production_version_cache_clear(*, task: str) -> None:
    cache_invalidate(keys=[production_version_key(task=task)])


# A comparison depends only on the two versions and the zoning it prices with, all in its key
# with the language its charts are written in: it is never stale, the timeout only bounds memory.
COMPARISON_TTL = 30 * 24 * 3600


def comparison_key(
    *, version_id: int, production_id: int, zoning_version: int | None, language: str
) -> str:
    return f"mlmodels:comparison:v2:{version_id}:{production_id}:{zoning_version}:{language}"


# A version's rating factors never change once trained: their charts are kept per language.
FACTOR_CHARTS_TTL = 30 * 24 * 3600


def factor_charts_key(*, version_id: int, language: str) -> str:
    return f"mlmodels:factor_charts:v1:{version_id}:{language}"
