"""Cache keys of the zipcode table; entries live until a write clears them."""

from pricing_site.caching import cache_invalidate

# Cleared by every write (services and receivers), so no staleness is tolerated: the timeout only
# bounds memory for codes nobody asks any more.
ZIPCODE_TTL = 24 * 3600
RISK_CLASSES_TTL = 24 * 3600

RISK_CLASSES_KEY = "zipcodes:risk_classes:v1"


def zipcode_key(*, code: int) -> str:
    return f"zipcodes:zipcode:v1:{code}"


def zipcode_cache_clear(*, codes: list[int]) -> None:
    cache_invalidate(keys=[zipcode_key(code=code) for code in codes])


def risk_classes_cache_clear() -> None:
    cache_invalidate(keys=[RISK_CLASSES_KEY])
