"""Profile one endpoint in process against the benchmark database (run `python -m bench` first).

    python -m bench.profile quote > bench/results/quote-profile.txt

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
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_X_FORWARDED_PROTO="https")
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
