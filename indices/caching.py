"""Cache keys of the health index; entries live until a fetch stores something new."""

from pricing_site.caching import cache_invalidate

# Cleared by every write that changes a value, so the timeout only bounds memory.
HEALTH_INDEX_TTL = 6 * 3600

LATEST_KEY = "indices:health_latest:v1"


def health_index_key(*, base_year: int, month: str) -> str:
    return f"indices:health:v1:{base_year}:{month}"


def health_index_cache_clear(*, months: list[tuple[int, str]]) -> None:
    keys = [health_index_key(base_year=base, month=month) for base, month in months]
    cache_invalidate(keys=[LATEST_KEY, *keys])
