"""Profile one endpoint in process against the benchmark database (run `python -m bench` first).

    python -m bench.profile quote > bench/results/quote-profile.txt
    python -m bench.profile layers        # what each layer of the stack costs a ping, as JSON

Same settings as the harness (DEBUG off, pricing_bench, Redis db 12), the Django test client
instead of HTTP, pyinstrument's call tree of the warm requests.
"""

import json
import os
import sys
import time
from typing import Any

# Endpoint: (path, body); a body means POST.
ENDPOINTS = {
    "ping": ("/api/v1/ping", None),
    "zipcode": ("/api/v1/zipcodes/1000", None),
    "index": ("/api/v1/indices/health/?base_year=2013", None),
    "quote": ("/api/v1/quotes/", "QUOTE"),
    "prediction": ("/api/v1/predictions/", "PREDICTION"),
}
REQUESTS = 300


def layer_costs(client_for: Any) -> list[dict[str, Any]]:
    """The ping, warm, in process, with the layers of the stack taken away one at a time: the
    difference between two rows is what the layer removed costs per request."""
    from django.conf import settings
    from django.test import override_settings
    from rest_framework.permissions import AllowAny

    from pricing_site.views import PingApi

    full = list(settings.MIDDLEWARE)
    django_only = [m for m in full if not m.startswith(("pricing_site.", "simple_history."))]
    minimal = ["django.middleware.common.CommonMiddleware"]
    variants: list[tuple[str, list[str], dict[str, Any]]] = [
        ("the whole stack", full, {}),
        ("without our middleware (request log, metrics, history)", django_only, {}),
        (
            "... and without Django's sessions, locale, CSRF, auth, messages, security",
            minimal,
            {},
        ),
        ("... and without throttling", minimal, {"throttle_classes": []}),
        (
            "... and without authentication and permissions: DRF's view and rendering",
            minimal,
            {
                "throttle_classes": [],
                "authentication_classes": [],
                "permission_classes": [AllowAny],
            },
        ),
    ]
    original = {
        name: getattr(PingApi, name)
        for name in ("throttle_classes", "authentication_classes", "permission_classes")
    }
    rows = []
    try:
        for label, middleware, view_changes in variants:
            for name, value in original.items():
                setattr(PingApi, name, view_changes.get(name, value))
            with override_settings(MIDDLEWARE=middleware):
                client = client_for()
                for _ in range(200):
                    assert client.get("/api/v1/ping").status_code == 200
                best = min(timed_requests(client, REQUESTS) for _ in range(5))
            rows.append({"stack": label, "ms_per_request": best})
    finally:
        for name, value in original.items():
            setattr(PingApi, name, value)
    for row, lighter in zip(rows, [*rows[1:], None], strict=True):
        row["layer_ms"] = row["ms_per_request"] - (lighter["ms_per_request"] if lighter else 0)
    return rows


def timed_requests(client: Any, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        client.get("/api/v1/ping")
    return (time.perf_counter() - started) / count * 1000


def main() -> None:
    from bench.__main__ import QUOTE, RECORD, environment

    name = sys.argv[1] if len(sys.argv) > 1 else "quote"
    os.environ.update(environment(port=0))
    os.environ["DJANGO_ALLOWED_HOSTS"] += ",testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pricing_site.settings")
    import django

    django.setup()
    import logging

    from django.test import Client
    from pyinstrument import Profiler
    from rest_framework.authtoken.models import Token

    logging.disable(logging.INFO)
    token = Token.objects.get(user__username="bench").key

    def client_for() -> Client:
        return Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_X_FORWARDED_PROTO="https")

    if name == "layers":
        print(json.dumps(layer_costs(client_for)))
        return
    client = client_for()
    path, body = ENDPOINTS[name]
    payload = {"QUOTE": QUOTE, "PREDICTION": {"task": "claim_frequency", "records": [RECORD]}}
    data = json.dumps(payload[body]) if body else None

    def call() -> Any:
        if data is None:
            return client.get(path)
        return client.post(path, data, content_type="application/json")

    for _ in range(20):
        assert call().status_code < 300
    started = time.perf_counter()
    for _ in range(REQUESTS):
        call()
    per_request = (time.perf_counter() - started) / REQUESTS * 1000
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for _ in range(REQUESTS):
        call()
    profiler.stop()
    print(f"{name}: {per_request:.2f} ms per request in process, {REQUESTS} warm requests")
    print(profiler.output_text(unicode=False, color=False))


if __name__ == "__main__":
    main()
