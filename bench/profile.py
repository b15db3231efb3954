"""Profile one endpoint in process against the benchmark database (run `python -m bench` first).

    python -m bench.profile quote > bench/results/quote-profile.txt
    python -m bench.profile prediction > bench/results/prediction-profile.txt
    python -m bench.profile predictions-1000 > bench/results/predictions-1000-profile.txt
    python -m bench.profile layers        # what each layer of the stack costs a ping, as JSON

For the quote and predictions, the steps' own times come first, measured without a profiler
(a profiler's per-call overhead inflates Python-heavy steps such as DRF's field copies), then
the call tree.

Same settings as the harness (DEBUG off, pricing_bench, Redis db 12), the Django test client
instead of HTTP, pyinstrument's call tree of the warm requests.
"""

import datetime
import gc
import json
import os
import sys
import time
from typing import Any

from bench.runner import environment
from bench.targets import QUOTE, RECORD, records

# Endpoint: (path, body); a body means POST.
ENDPOINTS: dict[str, tuple[str, dict[str, Any] | None]] = {
    "ping": ("/api/v1/ping", None),
    "zipcode": ("/api/v1/zipcodes/1000", None),
    "index": ("/api/v1/indices/health/?base_year=2013", None),
    "quote": ("/api/v1/quotes/", QUOTE),
    "prediction": ("/api/v1/predictions/", {"task": "claim_frequency", "records": [RECORD]}),
    "predictions-1000": (
        "/api/v1/predictions/",
        {"task": "claim_frequency", "records": records(1000)},
    ),
}
REQUESTS = 300
ROUNDS = 9


def layer_variants() -> list[tuple[str, list[str], dict[str, Any]]]:
    """Each variant takes one more layer away: (what it removed, middleware, view changes)."""
    from django.conf import settings
    from rest_framework.permissions import AllowAny

    from pricing_site.handlers import BROWSER_ONLY_MIDDLEWARE

    full = list(settings.MIDDLEWARE)
    ours = [m for m in full if m.startswith(("pricing_site.", "simple_history."))]
    minimal = ["django.middleware.common.CommonMiddleware"]
    no_throttle = {"throttle_classes": [], "rates": {"user": None}}
    bare_view = {**no_throttle, "authentication_classes": [], "permission_classes": [AllowAny]}
    # Each step takes one more layer away; the time it saves is what that layer costs.
    return [
        (
            "browser-only middleware (sessions, CSRF, auth, messages, frame, static files), "
            "which a token call skips (pricing_site/handlers.py)",
            full,
            {},
        ),
        (
            "Django's middleware a token call keeps (security, locale, common)",
            [name for name in full if name not in BROWSER_ONLY_MIDDLEWARE],
            {},
        ),
        ("throttling (ClientRateThrottle, its counts sent with the sync)", ours, {}),
        ("authentication and permission (cached token)", ours, no_throttle),
        (
            "our middleware (request id, cache sync with Redis, metrics), simple_history's",
            ours,
            bare_view,
        ),
        (
            "DRF's view and rendering, Django's core, the test client",
            minimal,
            bare_view,
        ),
    ]


def layer_costs(client_for: Any) -> list[dict[str, Any]]:
    """The ping, warm, in process, with the layers of the stack taken away one at a time: the
    difference between two rows is what the layer removed costs per request. The ping takes the
    middleware chain of a token call, as gunicorn serves it; the first row is what the whole
    chain (a browser's) would add."""
    from django.test import override_settings

    from pricing_site.throttling import ClientRateThrottle
    from pricing_site.views import PingApi

    variants = layer_variants()
    original = {
        name: getattr(PingApi, name)
        for name in ("throttle_classes", "authentication_classes", "permission_classes")
    }
    rates = ClientRateThrottle.THROTTLE_RATES

    def configure(view_changes: dict[str, Any]) -> None:
        for name, value in original.items():
            setattr(PingApi, name, view_changes.get(name, value))
        ClientRateThrottle.THROTTLE_RATES = view_changes.get("rates", rates)

    try:
        clients = []
        for _, middleware, view_changes in variants:
            configure(view_changes)
            with override_settings(MIDDLEWARE=middleware):
                client = client_for()
                for _ in range(200):  # warm; the client keeps this middleware chain
                    assert client.get("/api/v1/ping").status_code == 200
            clients.append(client)
        # Rounds over every variant, best of each: the machine's drift hits them all alike.
        times = [float("inf")] * len(variants)
        for _ in range(ROUNDS):
            for position, ((_, _, view_changes), client) in enumerate(
                zip(variants, clients, strict=True)
            ):
                configure(view_changes)
                times[position] = min(times[position], timed_requests(client, REQUESTS))
    finally:
        configure({})
    labels = [label for label, _, _ in variants]
    # The first row is not part of a token ping: it is what the token chain saves.
    skipped = {"layer": labels[0], "ms": times[0] - times[1]}
    return [skipped, *layers_from_times(labels[1:], times[1:])]


def layers_from_times(labels: list[str], times: list[float]) -> list[dict[str, Any]]:
    """*times*[i] is the ping with the layers before *labels*[i] taken away."""
    rows = [
        {"layer": label, "ms": time_with - time_without}
        for label, time_with, time_without in zip(labels, times, [*times[1:], 0.0], strict=True)
    ]
    return [*rows, {"layer": "the whole ping", "ms": times[0]}]


def timed_requests(client: Any, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        client.get("/api/v1/ping")
    return (time.perf_counter() - started) / count * 1000


def endpoint_steps(name: str) -> list[tuple[str, Any, str]]:
    """The steps of *name* worth timing: (label, owner, function name), in the order served;
    none for the endpoints that are only a framework's floor."""
    from django.db.models import QuerySet
    from rest_framework.request import Request
    from rest_framework.views import APIView

    import mlmodels.api.views
    import mlmodels.serving
    import tariffs.api.views
    import tariffs.services.quotes
    from mlmodels.api.serializers import (
        PredictionCreateInputSerializer,
        PredictionOutputSerializer,
        PredictionQueryInputSerializer,
    )
    from pricing_site.renderers import JSONBodyRenderer
    from tariffs.api.serializers import QuoteCreateInputSerializer, QuoteOutputSerializer

    authentication = ("authentication, permission, throttling", APIView, "initial")
    rendering = ("writing the JSON answer", JSONBodyRenderer, "render")
    if name == "quote":
        return [
            authentication,
            ("input validation (DRF serializers)", QuoteCreateInputSerializer, "is_valid"),
            ("pricing: tables, models, steps", tariffs.services.quotes, "quote_price"),
            ("  of which the two models", tariffs.services.quotes, "premium_factors"),
            ("the INSERT through the ORM", QuerySet, "create"),
            ("the answer (output serializer)", QuoteOutputSerializer, "to_representation"),
            ("the view, all of the above but auth", tariffs.api.views.QuoteCreateApi, "post"),
            rendering,
        ]
    if not name.startswith("prediction"):
        return []
    return [
        authentication,
        ("parsing the body, its records checked by msgspec", Request, "_load_data_and_files"),
        ("the query's serializer", PredictionQueryInputSerializer, "is_valid"),
        ("the body's serializer", PredictionCreateInputSerializer, "is_valid"),
        ("the records' feature columns", mlmodels.serving, "records_validate"),
        ("the model: features and prediction", mlmodels.serving, "model_scores"),
        ("the answer", PredictionOutputSerializer, "to_representation"),
        ("the view, all of the above but auth", mlmodels.api.views.PredictionCreateApi, "post"),
        rendering,
    ]


def steps_timed(name: str, steps: list[tuple[str, Any, str]], call: Any) -> str:
    """Milliseconds per warm request of *name* in each of its *steps*, timed around the step's
    function, and in PostgreSQL's answers."""
    from django.db import connection

    waiting = "PostgreSQL's answers (for a quote: its INSERT and durable commit)"
    seconds = dict.fromkeys([label for label, _, _ in steps] + [waiting], 0.0)

    def timed(label: str, function: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                seconds[label] += time.perf_counter() - started

        return wrapper

    def database(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            seconds[waiting] += time.perf_counter() - started

    originals = [(owner, attribute, getattr(owner, attribute)) for _, owner, attribute in steps]
    for (label, owner, attribute), (_, _, function) in zip(steps, originals, strict=True):
        setattr(owner, attribute, timed(label, function))
    try:
        with connection.execute_wrapper(database):
            started = time.perf_counter()
            for _ in range(REQUESTS):
                call()
            whole = time.perf_counter() - started
    finally:
        for owner, attribute, function in originals:
            setattr(owner, attribute, function)
    lines = [f"{name} steps, ms per warm request without a profiler ({REQUESTS} requests):"]
    lines += [f"  {label:<66} {value / REQUESTS * 1000:6.3f}" for label, value in seconds.items()]
    lines.append(f"  {'the whole request (Django test client)':<66} {whole / REQUESTS * 1000:6.3f}")
    return "\n".join(lines) + "\n"


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else "quote"
    os.environ.update(environment(port=0))
    os.environ["DJANGO_ALLOWED_HOSTS"] += ",testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pricing_site.settings")
    import django

    django.setup()
    import logging

    from django.test import Client
    from pyinstrument import Profiler

    from pricing_site.services import api_client_rotate

    logging.disable(logging.INFO)
    # Keys are stored as hashes: the profile gets a key of its own (the runner's keeps working).
    token = api_client_rotate(name="bench", grace=datetime.timedelta(hours=1)).key

    def client_for() -> Client:
        return Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_X_FORWARDED_PROTO="https")

    if name == "layers":
        print(json.dumps(layer_costs(client_for)))
        return
    client = client_for()
    path, body = ENDPOINTS[name]
    data = json.dumps(body) if body else None

    def call() -> Any:
        if data is None:
            return client.get(path)
        return client.post(path, data, content_type="application/json")

    for _ in range(20):
        assert call().status_code < 300
    # As each gunicorn worker does once loaded (gunicorn.conf.py): otherwise a full collection
    # scanning Django, pandas and scikit-learn lands in one of the timed loops and not the other.
    gc.freeze()
    steps = endpoint_steps(name)
    if steps:
        print(steps_timed(name, steps, call))
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
