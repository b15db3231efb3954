"""Cache keys of the tariff: its versions, a small table cached whole."""

from pricing_site.caching import cache_invalidate

# Cleared on every change by the services that write; the timeout only bounds memory.
TARIFF_VERSIONS_TTL = 6 * 3600
TARIFF_VERSIONS_KEY = "tariffs:versions:v1"


def tariff_versions_cache_clear() -> None:
    cache_invalidate(keys=[TARIFF_VERSIONS_KEY])
