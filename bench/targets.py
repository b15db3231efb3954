"""What the harness measures: the endpoints driven by wrk, and the in-process and worker
benchmarks (scoring, portfolio pricing, impact analysis, the admin's model page, offline
commands)."""

import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import requests

from bench.report import ADMIN_VIEWS
from bench.runner import (
    CONCURRENCIES,
    ROOT,
    STAFF,
    manage,
    median_run,
    portfolio_path,
    timed,
    wrk,
)

RECORD = {
    "coverage": "TPL",
    "ageph": 35,
    "bm": 2,
    "power": 85,
    "agec": 3,
    "fuel": "diesel",
    "use": "private",
    "fleet": 0,
    "postcode": 1000,
}


QUOTE_ENDPOINT = "quote"
# Endpoints that store what they answer: also read against the durable-write floor.
STORING = {QUOTE_ENDPOINT}
QUOTE = {
    "zipcode": 1000,
    "vehicle": {"brand": "Toyota", "fuel": "diesel", "power_kw": 85, "age": 3},
    "driver": {"age": 35, "bonus_malus": 2},
    "coverage": "TPL",
    "use": "private",
    "fleet": False,
}


ENDPOINTS: list[tuple[str, str, str, Any]] = [
    ("framework floor (ping)", "GET", "/api/v1/ping", None),
    ("zipcode lookup", "GET", "/api/v1/zipcodes/1000", None),
    ("latest index", "GET", "/api/v1/indices/health/?base_year=2013", None),
    (QUOTE_ENDPOINT, "POST", "/api/v1/quotes/", QUOTE),
    (
        "predictions, 1 record",
        "POST",
        "/api/v1/predictions/",
        {"task": "claim_frequency", "records": [RECORD]},
    ),
    (
        "predictions, 1,000 records",
        "POST",
        "/api/v1/predictions/",
        {"task": "claim_frequency", "records": None},
    ),
]


def records(count: int, seed: int = 0) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [
        {
            **RECORD,
            "ageph": rng.randint(18, 90),
            "bm": rng.randint(0, 22),
            "power": rng.randint(30, 200),
            "agec": rng.randint(0, 20),
            "postcode": rng.choice([1000, 2000, 3000, 4000, 9000]),
        }
        for _ in range(count)
    ]


def http_benchmarks(
    env: dict[str, str], floor_env: dict[str, str], token: str, seconds: int
) -> list[dict[str, Any]]:
    """Every endpoint at every concurrency, each run right after a run of the bare floor at the
    same concurrency (and, for an endpoint that stores what it answers, of the durable-write
    floor with the same body): this machine's speed drifts by tens of percent over minutes, so a
    ratio is only as good as its runs are close in time. The floors' rows are the median of
    their runs."""
    base = f"http://127.0.0.1:{env['PORT']}"
    floor = f"http://127.0.0.1:{floor_env['PORT']}/floor"
    for _ in range(20):
        requests.get(floor, timeout=10)
        requests.post(f"{floor}/write", json=QUOTE, timeout=10)
    rows = []
    floor_runs: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for name, method, path, body in ENDPOINTS:
        if body is not None and body.get("records") is None and "records" in body:
            body = {**body, "records": records(1000)}
        headers = {"Authorization": f"Token {token}", "X-Forwarded-Proto": "https"}
        for _ in range(20):  # warm: models loaded, caches filled, in every worker
            response = requests.request(method, base + path, json=body, headers=headers, timeout=10)
        if response.status_code >= 300:
            sys.exit(f"{name}: {response.status_code} {response.text[:300]}")
        for connections in CONCURRENCIES:
            run, floors = run_after_floors(
                floor, (base + path, method, body), token, connections, seconds, name in STORING
            )
            for floor_name, floor_run in floors.items():
                floor_runs.setdefault((floor_name, connections), []).append(floor_run)
            rows.append({"endpoint": name, "connections": connections, **run})
            just_before = ", ".join(f"{key}: {run['rps']:.0f}" for key, run in floors.items())
            print(
                f"  {name:<28} c={connections:<3} {rows[-1]['rps']:8.0f} req/s "
                f"(just before, {just_before})",
                flush=True,
            )
    medians = {key: median_run(runs) for key, runs in floor_runs.items()}
    floor_rows = [
        {
            "endpoint": floor_name,
            "connections": connections,
            **run,
            "bare_rps": medians[BARE_FLOOR, connections]["rps"],
            **({"write_floor_rps": run["rps"]} if floor_name == WRITE_FLOOR else {}),
        }
        for (floor_name, connections), run in sorted(
            medians.items(), key=lambda item: FLOORS.index(item[0][0])
        )
    ]
    return floor_rows + rows


def run_after_floors(
    floor: str,
    request: tuple[str, str, Any],
    token: str,
    connections: int,
    seconds: int,
    stores: bool,
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """wrk on the bare floor, on the durable-write floor with the same body if the endpoint
    *stores* what it answers, then on *request* (url, method, body): the endpoint's run with its
    floors' throughputs, and the floors' runs."""
    url, method, body = request
    floors = {BARE_FLOOR: wrk(floor, "GET", None, "none", connections, seconds)}
    if stores:
        floors[WRITE_FLOOR] = wrk(f"{floor}/write", "POST", body, "none", connections, seconds)
    run = {
        **wrk(url, method, body, token, connections, seconds),
        "bare_rps": floors[BARE_FLOOR]["rps"],
    }
    if stores:
        run["write_floor_rps"] = floors[WRITE_FLOOR]["rps"]
    return run, floors


BARE_FLOOR = "bare DRF APIView"
WRITE_FLOOR = "bare DRF durable write"
FLOORS = [BARE_FLOOR, WRITE_FLOOR]


def ratios_add(rows: list[dict[str, Any]]) -> None:
    """Every row against the bare framework run just before it, and against our own ping at its
    concurrency."""
    ping = {
        row["connections"]: row["rps"] for row in rows if row["endpoint"].startswith("framework")
    }
    for row in rows:
        row["vs_bare"] = row["rps"] / row["bare_rps"]
        row["vs_floor"] = row["rps"] / ping[row["connections"]]
        if "write_floor_rps" in row:
            row["vs_write_floor"] = row["rps"] / row["write_floor_rps"]


SCORING = """
import json, sys, time, timeit
import django
django.setup()
import pandas as pd
from mlmodels.models import ModelVersion
from mlmodels.schema import FEATURE_COLUMNS, records_validate
from mlmodels.selectors import model_version_get_production_id
from mlmodels.serving import loaded_model_get
from mlmodels.services.evaluation import version_pipeline

batches = json.loads(sys.stdin.read())
version = ModelVersion.objects.get(pk=model_version_get_production_id(task="claim_frequency"))
pipeline = version_pipeline(version)
scorer = loaded_model_get(version_id=version.pk).scorer
out = {}
for label, batch in batches.items():
    frame = pd.DataFrame(batch, columns=list(FEATURE_COLUMNS))
    raw = lambda: pipeline.predict(frame)
    ours = lambda: scorer.predict(records_validate(batch)[0])
    number = 200 if len(batch) == 1 else 20
    raw_s = min(timeit.repeat(raw, number=number, repeat=5)) / number
    ours_s = min(timeit.repeat(ours, number=number, repeat=5)) / number
    diff = float(abs(raw() - ours()).max())
    out[label] = {"raw_ms": raw_s * 1000, "ours_ms": ours_s * 1000, "max_abs_diff": diff}
print(json.dumps(out))
"""


PORTFOLIO_PRICING = """
import json, sys, time
import django
django.setup()
from django.utils import timezone
from mlmodels.schema import portfolio_read, portfolio_typed
from tariffs.services import portfolio_price, pricing_tables_current

frame = portfolio_typed(portfolio_read(sys.argv[1]))
tables = pricing_tables_current(on=timezone.localdate())
portfolio_price(frame=frame, tables=tables)  # models loaded and compiled once, as in a worker
runs = []
for _ in range(3):
    started = time.perf_counter()
    prices = portfolio_price(frame=frame, tables=tables)
    runs.append(time.perf_counter() - started)
seconds = min(runs)
print(json.dumps({
    "policies": len(frame),
    "priced": int(prices.priced.sum()),
    "seconds": seconds,
    "policies_per_second": len(frame) / seconds,
}))
"""


def layer_benchmark(env: dict[str, str]) -> list[dict[str, Any]]:
    """What each layer of the stack costs a warm ping, in process (bench/profile.py)."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.profile", "layers"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = json.loads(result.stdout.strip().splitlines()[-1])
    for row in rows:
        print(f"  {row['layer']:<76} {row['ms']:.3f} ms", flush=True)
    return rows


def portfolio_pricing_benchmark(env: dict[str, str]) -> dict[str, Any]:
    """The whole portfolio priced in process, every step and rounding of the quote included."""
    data, _ = portfolio_path(env)
    result = subprocess.run(
        [sys.executable, "-c", PORTFOLIO_PRICING, str(data)],
        cwd=ROOT,
        env={**env, "OMP_NUM_THREADS": "1", "DJANGO_SETTINGS_MODULE": "pricing_site.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"  {report['policies']:,} policies in {report['seconds']:.2f} s", flush=True)
    return report


IMPACT_ANALYSIS = """
import json, time
import django
django.setup()
from mlmodels.selectors import dataset_get_latest
from tariffs.models import ImpactAnalysis
from tariffs.selectors import tariff_get_current
from tariffs.services import Scenario, impact_analysis_create
from django.utils import timezone

tariff = tariff_get_current(on=timezone.localdate())
started = time.perf_counter()
analysis = impact_analysis_create(
    dataset_id=dataset_get_latest().pk, scenario=Scenario(index_month=tariff.reference_month)
)
while analysis.state not in ("done", "failed"):
    time.sleep(0.05)
    analysis.refresh_from_db(fields=["state", "error"])
print(json.dumps({
    "state": analysis.state, "error": analysis.error, "chunks": analysis.chunks,
    "seconds": time.perf_counter() - started,
}))
"""


@contextmanager
def celery_workers(env: dict[str, str], processes: int) -> Iterator[None]:
    """A Celery worker with *processes* processes on the bench's broker, while in the block."""
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "pricing_site",
            "worker",
            f"--concurrency={processes}",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env={**env, "OMP_NUM_THREADS": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        worker.terminate()
        worker.wait(timeout=60)


def impact_analysis_benchmark(env: dict[str, str]) -> dict[str, Any]:
    """The impact analysis of the whole portfolio, with one worker process, then two."""
    subprocess.run(["redis-cli", "-n", "13", "flushdb"], check=True, capture_output=True)
    report = {}
    for processes in (1, 2):
        with celery_workers(env, processes):
            result = subprocess.run(
                [sys.executable, "-c", IMPACT_ANALYSIS],
                cwd=ROOT,
                env={**env, "DJANGO_SETTINGS_MODULE": "pricing_site.settings"},
                capture_output=True,
                text=True,
                check=True,
                timeout=600,
            )
        run = json.loads(result.stdout.strip().splitlines()[-1])
        if run["state"] != "done":
            sys.exit(f"impact analysis failed: {run['error']}")
        report[f"{processes} worker process{'es' if processes > 1 else ''}"] = run
        print(f"  {processes} worker process(es): {run['seconds']:.1f} s", flush=True)
    return report


BATCH_SAMPLE = 20


def pricing_batch_benchmark(env: dict[str, str], token: str) -> dict[str, Any]:
    """The whole portfolio priced through the API in one call (the CSV posted, two worker
    processes pricing its chunks, until the batch is done), its CSV downloaded, and a sample of
    its policies quoted one by one through the API: their premiums must be the batch's."""
    data, _ = portfolio_path(env)
    base = f"http://127.0.0.1:{env['PORT']}"
    headers = {"Authorization": f"Token {token}", "X-Forwarded-Proto": "https"}
    subprocess.run(["redis-cli", "-n", "13", "flushdb"], check=True, capture_output=True)
    with celery_workers(env, 2):
        started = time.perf_counter()
        with open(data, "rb") as file:
            answer = requests.post(
                f"{base}/api/v1/pricing-batches/",
                files={"file": (data.name, file, "text/csv")},
                headers=headers,
                timeout=120,
            )
        answer.raise_for_status()
        while True:
            batch = requests.get(base + answer.headers["Location"], headers=headers, timeout=10)
            batch = batch.json()
            if batch["state"] in ("done", "failed"):
                break
            time.sleep(0.2)
        seconds = time.perf_counter() - started
    if batch["state"] != "done":
        sys.exit(f"pricing batch failed: {batch['error']}")
    started = time.perf_counter()
    download = requests.get(base + batch["csv_url"], headers=headers, timeout=120)
    download.raise_for_status()
    csv_seconds = time.perf_counter() - started
    book = pd.read_csv(data)
    same = 0
    for index in random.Random(5).sample(range(len(book)), BATCH_SAMPLE):
        page = requests.get(
            base + batch["results_url"],
            params={"page": index // 1000 + 1},
            headers=headers,
            timeout=30,
        )
        policy = book.iloc[index]
        quote = requests.post(
            f"{base}/api/v1/quotes/",
            json={
                "zipcode": int(policy.postcode),
                "vehicle": {
                    "brand": "Any",
                    "fuel": policy.fuel,
                    "power_kw": int(policy.power),
                    "age": int(policy.agec),
                },
                "driver": {"age": int(policy.ageph), "bonus_malus": int(policy.bm)},
                "coverage": policy.coverage,
                "use": policy.use,
                "fleet": bool(policy.fleet),
                "date": batch["date"],
            },
            headers=headers,
            timeout=10,
        )
        same += page.json()["results"][index % 1000]["premium"] == quote.json()["premium"]
    report = {
        "policies": batch["policies"],
        "priced": batch["priced"],
        "chunks": batch["chunks"],
        "worker_processes": 2,
        "seconds": round(seconds, 2),
        "policies_per_second": round(batch["policies"] / seconds),
        "csv_download_seconds": round(csv_seconds, 2),
        "sample_quoted": BATCH_SAMPLE,
        "sample_same_premium": same,
    }
    print(
        f"  {report['policies']:,} policies in {seconds:.1f} s "
        f"({report['policies_per_second']:,} policies/s); {same}/{BATCH_SAMPLE} quoted alike",
        flush=True,
    )
    return report


def scoring_benchmarks(env: dict[str, str]) -> dict[str, Any]:
    batches = {"1 record": records(1, seed=1), "1,000 records": records(1000, seed=2)}
    scoring_env = {**env, "OMP_NUM_THREADS": "1", "DJANGO_SETTINGS_MODULE": "pricing_site.settings"}
    result = subprocess.run(
        [sys.executable, "-c", SCORING],
        cwd=ROOT,
        env=scoring_env,
        input=json.dumps(batches),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def admin_session(env: dict[str, str]) -> dict[str, str]:
    """The headers of the bench's staff member (runner.prepare), logged in to the admin."""
    base = f"http://127.0.0.1:{env['PORT']}"
    # As behind the TLS proxy; the cookies are Secure, so they are sent by hand over loopback.
    https = {"X-Forwarded-Proto": "https"}
    login = requests.get(f"{base}/admin/login/", headers=https, timeout=10)
    csrf = login.cookies["csrftoken"]
    logged_in = requests.post(
        f"{base}/admin/login/",
        data={
            "username": STAFF,
            "password": env["DJANGO_SUPERUSER_PASSWORD"],
            "csrfmiddlewaretoken": csrf,
        },
        headers={
            **https,
            "Cookie": f"csrftoken={csrf}",
            "Referer": f"https://127.0.0.1:{env['PORT']}/admin/login/",
        },
        allow_redirects=False,
        timeout=10,
    )
    if "sessionid" not in logged_in.cookies:
        sys.exit(f"admin login failed: {logged_in.status_code}")
    return {**https, "Cookie": f"sessionid={logged_in.cookies['sessionid']}"}


def admin_timings(
    staff: dict[str, str], url: str, views: int, *, expect: str, query: dict[str, str] | None = None
) -> list[float]:
    """Seconds of each of *views* views of an admin page, which must answer 200 with *expect*."""
    timings = []
    for _ in range(views):
        started = time.perf_counter()
        response = requests.get(url, params=query, headers=staff, timeout=120)
        timings.append(time.perf_counter() - started)
        if response.status_code != 200 or expect not in response.text:
            sys.exit(f"{url} {query}: {response.status_code} {response.text[:300]}")
    return timings


def admin_model_page_benchmark(env: dict[str, str], staff: dict[str, str]) -> dict[str, float]:
    """Seconds to open the candidate's page in the admin: the first view (comparison computed
    and stored) and the median of the next views (the stored comparison)."""
    candidate = manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from mlmodels.models import ModelVersion; "
        "print(ModelVersion.objects.filter(is_production=False).latest('created_at').pk)",
    ).strip()
    url = f"http://127.0.0.1:{env['PORT']}/admin/mlmodels/modelversion/{candidate}/change/"
    timings = admin_timings(staff, url, ADMIN_VIEWS + 1, expect="comparison")
    stored = statistics.median(timings[1:])
    print(f"  model page: first {timings[0] * 1000:.0f} ms, then {stored * 1000:.0f} ms")
    return {"first_view_ms": timings[0] * 1000, "stored_comparison_ms": stored * 1000}


def offline_benchmarks(env: dict[str, str], quick: bool) -> dict[str, float]:
    data, _ = portfolio_path(env)
    timings = {"validate_dataset": timed(env, "validate_dataset", str(data))}
    if not quick:
        # Before the zipcode load below replaces the zones: the models learn with the real ones.
        for estimator in ("glm", "hist_gradient_boosting", "random_forest"):
            timings[f"train_model claim_frequency {estimator} (5-fold CV)"] = timed(
                env,
                "train_model",
                "--data",
                str(data),
                "--task",
                "claim_frequency",
                "--estimator",
                estimator,
                "--cv",
                "5",
            )
    lines = Path(tempfile.gettempdir()) / "pricing-bench-zipcodes.csv"
    rng = random.Random(0)
    classes = {code: rng.choice("ABC") for code in range(1000, 10000)}
    codes = [rng.randint(1000, 9999) for _ in range(100_000)]
    lines.write_text("".join(f"{code},{classes[code]}\n" for code in codes))
    timings["load_zipcodes (100,000 lines)"] = timed(env, "load_zipcodes", str(lines))
    return timings
