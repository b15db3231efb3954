"""Prometheus metrics shared by every app (exposed at /metrics)."""

from prometheus_client import Counter, Histogram

CACHE_REQUESTS = Counter(
    "pricing_cache_requests_total",
    "Cache reads by selectors, by cached entity and result (hit or miss).",
    ["entity", "result"],
)
HTTP_REQUESTS = Counter(
    "pricing_http_requests_total",
    "HTTP requests by endpoint (URL route name), method and status code.",
    ["endpoint", "method", "status"],
)
HTTP_REQUEST_SECONDS = Histogram(
    "pricing_http_request_seconds",
    "HTTP request duration by endpoint (URL route name).",
    ["endpoint"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
MODEL_LOAD_SECONDS = Histogram(
    "pricing_model_load_seconds",
    "Time to load and verify a model artifact into a process, by task.",
    ["task"],
)
PREDICTION_SECONDS = Histogram(
    "pricing_prediction_seconds",
    "Time spent in the model for one prediction call (all its records), by task.",
    ["task"],
    buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1),
)
JOB_OUTCOMES = Counter(
    "pricing_job_outcomes_total",
    "Background jobs finished, by job kind and outcome (succeeded, failed).",
    ["job", "outcome"],
)
