"""Cache keys of the tariff: its versions (a small table cached whole), and the backtest's report
as each language reads it."""

from pricing_site.caching import cache_invalidate

# Cleared on every change by the services that write; the timeout only bounds memory.
TARIFF_VERSIONS_TTL = 6 * 3600
TARIFF_VERSIONS_KEY = "tariffs:versions:v1"


# A finished evaluation never changes: its report, drawn once per language, is never stale.
EVALUATION_REPORT_TTL = 30 * 24 * 3600


def evaluation_report_key(*, evaluation_id: int, language: str) -> str:
    return f"tariffs:evaluation_report:v2:{evaluation_id}:{language}"


def tariff_versions_cache_clear() -> None:
    cache_invalidate(keys=[TARIFF_VERSIONS_KEY])
