"""The benchmark harness: the service as in production, driven by wrk, beside its floors.

    python -m bench [--quick] [--duration SECONDS]

1. A fresh PostgreSQL database (`pricing_bench`) and Redis database 12, production settings
   (DEBUG off), the demo tables, index and rules, zones derived from the real portfolio in
   ../shared/data/ (else a generated one of the same size) and the tariff's production models
   trained on it (frequency with the zones as offset, severity), plus a candidate model.
2. gunicorn with the image's command and config, on loopback, warmed up.
3. wrk at 1, 16 and 64 connections against: our floor (`/api/v1/ping`: our middleware,
   authentication and throttling), the zipcode lookup, the latest index, the quote, and
   predictions of 1 and 1,000 records; each run right after a run of the framework's bare floor
   (bench/floor.py: one DRF `APIView` and nothing of ours, served beside the service by the same
   gunicorn config) at the same concurrency, and the quote's also right after the bare durable
   write (the same body INSERTed through the ORM, committed). Every row is reported against
   those runs and against our ping.
4. In process: the production pipeline's `predict` on a DataFrame (scikit-learn's floor) beside
   the service's scoring path (validation + compiled scorer), on the same records; and the whole
   portfolio priced with the quote's steps and rounding (`portfolio_pricing.policies_per_second`),
   and its impact analysis on Celery workers, one worker process then two.
   The whole portfolio priced through the API (`POST /api/v1/pricing-batches/` with its CSV, two
   worker processes), its results' CSV downloaded, and a sample quoted one by one alike.
5. The admin's model page (the candidate against production) as staff open it: the first view,
   which computes and stores the comparison, then the stored one (median of 10).
   Then the stored quotes at scale (bench/scale.py): the quote table filled with 5 million
   generated quotes (COPY), the quote against the floors again, a quote read and repriced, the
   admin's quote list, its searches and filters, and the daily retention task on that table.
6. Offline timings on the real portfolio: validate_dataset, train_model per estimator with
   5-fold CV (skipped by --quick), load_zipcodes of 100,000 lines.

Prints one table and writes bench/results/latest.json and latest.md.
"""

import argparse
import os
import shutil
import subprocess
import tempfile
import time

from bench.report import report_write
from bench.runner import environment, free_port, gunicorn_start, manage, prepare
from bench.scale import scale_benchmark
from bench.targets import (
    admin_model_page_benchmark,
    admin_session,
    http_benchmarks,
    impact_analysis_benchmark,
    layer_benchmark,
    offline_benchmarks,
    portfolio_pricing_benchmark,
    pricing_batch_benchmark,
    ratios_add,
    scoring_benchmarks,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 s runs, no training timings")
    parser.add_argument("--duration", type=int, help="seconds per wrk run (default 10, quick 3)")
    parser.add_argument(
        "--scale-rows",
        type=int,
        default=5_000_000,
        help="quotes the table holds for the scale measurements (default 5,000,000)",
    )
    options = parser.parse_args()
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)
    seconds = options.duration or (3 if options.quick else 10)
    env = environment(free_port())
    print("Preparing the database, the demo data and a production model...", flush=True)
    token, data = prepare(env)
    # The bare floor (bench/floor.py: one DRF APIView, nothing of ours) beside the service, under
    # the same gunicorn config; only one of them is driven at a time.
    floor_env = {
        **env,
        "PORT": str(free_port()),
        "DJANGO_SETTINGS_MODULE": "bench.floor_settings",
        "PROMETHEUS_MULTIPROC_DIR": tempfile.mkdtemp(prefix="bench-floor-prometheus-"),
    }
    # The durable-write floor's table, in the bench database beside the service's.
    manage(floor_env, "migrate", "--run-syncdb", "--no-input")
    servers = [gunicorn_start(env), gunicorn_start(floor_env, app="bench.floor", probe="/floor")]
    try:
        print("HTTP, through gunicorn, each run after one of the bare DRF floor:", flush=True)
        http = http_benchmarks(env, floor_env, token, seconds)
        print("The admin's model page:", flush=True)
        staff = admin_session(env)
        admin_page = admin_model_page_benchmark(env, staff)
        print("The whole portfolio priced through the API in one call:", flush=True)
        batch = pricing_batch_benchmark(env, token)
        print("The stored quotes at scale:", flush=True)
        scale = scale_benchmark(env, floor_env, token, seconds, options.scale_rows, staff)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    ratios_add(http)
    print("The layers of the stack, per warm ping in process:", flush=True)
    layers = layer_benchmark(env)
    print("Scoring, in process...", flush=True)
    scoring = scoring_benchmarks(env)
    print("Portfolio pricing, in process...", flush=True)
    portfolio = portfolio_pricing_benchmark(env)
    print("Impact analysis of the portfolio, on Celery workers...", flush=True)
    impact = impact_analysis_benchmark(env)
    print("Offline commands...", flush=True)
    offline = offline_benchmarks(env, options.quick)
    report = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{os.cpu_count()} cores",
        "data": data,
        "workers": env["WEB_CONCURRENCY"],
        "seconds": seconds,
        "http": http,
        "layers": layers,
        "admin_model_page": admin_page,
        "quotes_at_scale": scale,
        "scoring": scoring,
        "portfolio_pricing": portfolio,
        "impact_analysis": impact,
        "pricing_batch": batch,
        "offline": offline,
    }
    table = report_write(report)
    print()
    print(table)
    at_16 = {row["endpoint"]: row for row in http if row["connections"] == 16}
    quote, ping = at_16["quote"], at_16["framework floor (ping)"]
    print(
        f"at 16 connections: ping {ping['vs_bare']:.0%} of the bare DRF floor (target >= 70 %), "
        f"quote {quote['vs_write_floor']:.0%} of the durable-write floor (target >= 65 %), "
        f"p99 {quote['p99_ms']:.1f} ms (target < 30 ms); portfolio pricing "
        f"{portfolio['policies_per_second']:,.0f} policies/s (target >= 30,000)"
    )


if __name__ == "__main__":
    main()
