"""Cache keys and timeouts for API client credentials."""

import hashlib

from django.core.cache import cache

# A permission granted to a client's group takes effect within this many seconds; token and user
# changes are cleared at once by the receivers.
API_CLIENT_TTL = 60


def api_client_key(*, token_key: str) -> str:
    digest = hashlib.sha256(token_key.encode()).hexdigest()
    return f"pricing_site:api_client:v1:{digest}"


def api_client_cache_clear(*, token_keys: list[str]) -> None:
    cache.delete_many([api_client_key(token_key=key) for key in token_keys])
