"""Cache keys of the pricing rules, brands and fuel mappings: small tables cached whole."""

from pricing_site.caching import cache_invalidate

# Cleared on every change by the services that write; the timeout only bounds memory.
STRATEGIES_TTL = 6 * 3600

RULES_KEY = "strategies:rules:v1"
BRANDS_KEY = "strategies:brands:v1"
FUEL_MAPPINGS_KEY = "strategies:fuel_mappings:v1"


def rules_cache_clear() -> None:
    cache_invalidate(keys=[RULES_KEY])


def brands_cache_clear() -> None:
    cache_invalidate(keys=[BRANDS_KEY])


def fuel_mappings_cache_clear() -> None:
    cache_invalidate(keys=[FUEL_MAPPINGS_KEY])
