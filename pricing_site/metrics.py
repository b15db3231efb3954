"""Prometheus metrics shared by every app (exposed at /metrics)."""

from prometheus_client import Counter

CACHE_REQUESTS = Counter(
    "pricing_cache_requests_total",
    "Cache reads by selectors, by cached entity and result (hit or miss).",
    ["entity", "result"],
)
