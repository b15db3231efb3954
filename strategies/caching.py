"""Cache keys of the pricing rules, brands and tariff: small tables cached whole."""

from django.core.cache import cache

# Cleared on every change (services and receivers); the timeout only bounds memory.
STRATEGIES_TTL = 6 * 3600

RULES_KEY = "strategies:rules:v1"
BRANDS_KEY = "strategies:brands:v1"
TARIFFS_KEY = "strategies:tariffs:v1"


def rules_cache_clear() -> None:
    cache.delete(RULES_KEY)


def brands_cache_clear() -> None:
    cache.delete(BRANDS_KEY)


def tariffs_cache_clear() -> None:
    cache.delete(TARIFFS_KEY)
