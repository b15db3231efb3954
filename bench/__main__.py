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
   gunicorn config) at the same concurrency. Every row is reported against that bare run and
   against our ping.
4. In process: the production pipeline's `predict` on a DataFrame (scikit-learn's floor) beside
   the service's scoring path (validation + compiled scorer), on the same records; and the whole
   portfolio priced with the quote's steps and rounding (`portfolio_pricing.policies_per_second`),
   and its impact analysis on Celery workers, one worker process then two.
5. The admin's model page (the candidate against production) as staff open it: the first view,
   which computes and stores the comparison, then the stored one (median of 10).
6. Offline timings on the real portfolio: validate_dataset, train_model per estimator with
   5-fold CV (skipped by --quick), load_zipcodes of 100,000 lines.

Prints one table and writes bench/results/latest.json and latest.md.
"""

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from bench.report import ADMIN_VIEWS, markdown, readme_update

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
REAL_PORTFOLIO = (
    Path(os.environ.get("PRICING_SHARED_DIR", ROOT.parent / "shared")) / "data" / "beMTPL97.csv"
)
REAL_PORTFOLIO_ROWS = 163_212
DATABASE = "pricing_bench"
CONCURRENCIES = (1, 16, 64)
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
QUOTE = {
    "zipcode": 1000,
    "vehicle": {"brand": "Toyota", "fuel": "diesel", "power_kw": 85, "age": 3},
    "driver": {"age": 35, "bonus_malus": 2},
    "coverage": "TPL",
    "use": "private",
    "fleet": False,
}


def environment(port: int) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_STATIC_ROOT": str(Path(tempfile.gettempdir()) / "pricing-bench-static"),
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "REDIS_URL": "redis://127.0.0.1:6379/12",
        # Its own Redis database: the impact analysis's chunks run on real workers.
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/13",
        "DJANGO_MEDIA_ROOT": str(Path(tempfile.gettempdir()) / "pricing-bench-media"),
        # The floor and every endpoint pay the same throttle check; the limit must not trip.
        "PRICING_THROTTLE_RATE": "100000000/min",
        "PORT": str(port),
        "DJANGO_SUPERUSER_PASSWORD": "bench-only-admin-password",
        "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2"),
    }


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def timed(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    manage(env, *args)
    return time.perf_counter() - started


def portfolio_path(env: dict[str, str]) -> tuple[Path, str]:
    if REAL_PORTFOLIO.exists():
        return REAL_PORTFOLIO, "real portfolio (beMTPL97, 163,212 policies)"
    path = Path(tempfile.gettempdir()) / "pricing-bench-portfolio.csv"
    manage(
        env,
        "generate_portfolio",
        "--rows",
        str(REAL_PORTFOLIO_ROWS),
        "--seed",
        "0",
        "--out",
        str(path),
    )
    return path, f"generated portfolio ({REAL_PORTFOLIO_ROWS:,} policies; ../shared/data is absent)"


def train(env: dict[str, str], data: Path, task: str, estimator: str, *options: str) -> None:
    manage(
        env,
        "train_model",
        "--data",
        str(data),
        "--task",
        task,
        "--estimator",
        estimator,
        "--cv",
        "0",
        *options,
    )


def prepare(env: dict[str, str]) -> tuple[str, str]:
    """A fresh database with the demo tables, zones and the tariff's production models, and a
    candidate model; returns (token, data)."""
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE], check=True
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
    subprocess.run(["redis-cli", "-n", "12", "flushdb"], check=True, capture_output=True)
    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input")
    manage(env, "load_zipcodes", str(ROOT / "fixtures" / "zipcodes.csv"))
    manage(
        env, "fetch_health_index", "--history", str(ROOT / "fixtures" / "health_index_history.txt")
    )
    manage(env, "load_strategies", str(ROOT / "fixtures" / "strategies.json"))
    data, described = portfolio_path(env)
    manage(env, "derive_zones", "--data", str(data), "--approve")
    train(env, data, "claim_frequency", "hist_gradient_boosting", "--promote-if-better")
    train(env, data, "claim_severity", "glm", "--promote-if-better")
    train(env, data, "claim_frequency", "glm")  # the candidate staff review in the admin
    token = manage(env, "create_api_client", "bench", "--permission", "tariffs.add_quote").strip()
    return token, described


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_start(
    env: dict[str, str], *, app: str | None = None, probe: str = "/healthz", root: Path = ROOT
) -> subprocess.Popen:
    """The image's gunicorn command and config, serving the service (or *app*) of the tree at
    *root*."""
    dockerfile = (root / "Dockerfile").read_text().splitlines()
    command = json.loads(next(line for line in reversed(dockerfile) if line.startswith("CMD "))[4:])
    if app is not None:
        command[-1] = app
    server = subprocess.Popen(
        command, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{env['PORT']}{probe}"
    for _ in range(150):
        try:
            requests.get(url, timeout=1)
            return server
        except requests.RequestException:
            time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not start")


ENDPOINTS: list[tuple[str, str, str, Any]] = [
    ("framework floor (ping)", "GET", "/api/v1/ping", None),
    ("zipcode lookup", "GET", "/api/v1/zipcodes/1000", None),
    ("latest index", "GET", "/api/v1/indices/health/?base_year=2013", None),
    ("quote", "POST", "/api/v1/quotes/", QUOTE),
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


def wrk(
    url: str, method: str, body: Any, token: str, connections: int, seconds: int
) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        if body is not None:
            json.dump(body, file)
    env = {
        **os.environ,
        "BENCH_METHOD": method,
        "BENCH_AUTHORIZATION": f"Token {token}",
        "BENCH_BODY_FILE": file.name if body is not None else "",
    }
    threads = min(2, connections)
    result = subprocess.run(
        [
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "request.lua"),
            url,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    os.unlink(file.name)
    line = next(line for line in result.stdout.splitlines() if line.startswith("BENCH_JSON "))
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    return {
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "errors": raw["errors_status"] + raw["errors_socket"],
    }


def http_benchmarks(
    env: dict[str, str], floor_env: dict[str, str], token: str, seconds: int
) -> list[dict[str, Any]]:
    """Every endpoint at every concurrency, each run right after a run of the bare floor at the
    same concurrency: this machine's speed drifts by tens of percent over minutes, so a ratio is
    only as good as its two runs are close in time. The bare floor's rows are the median of its
    runs."""
    base = f"http://127.0.0.1:{env['PORT']}"
    floor = f"http://127.0.0.1:{floor_env['PORT']}/floor"
    for _ in range(20):
        requests.get(floor, timeout=10)
    rows = []
    bare_runs: dict[int, list[dict[str, Any]]] = {connections: [] for connections in CONCURRENCIES}
    for name, method, path, body in ENDPOINTS:
        if body is not None and body.get("records") is None and "records" in body:
            body = {**body, "records": records(1000)}
        headers = {"Authorization": f"Token {token}", "X-Forwarded-Proto": "https"}
        for _ in range(20):  # warm: models loaded, caches filled, in every worker
            response = requests.request(method, base + path, json=body, headers=headers, timeout=10)
        if response.status_code >= 300:
            sys.exit(f"{name}: {response.status_code} {response.text[:300]}")
        for connections in CONCURRENCIES:
            bare = wrk(floor, "GET", None, "none", connections, seconds)
            bare_runs[connections].append(bare)
            rows.append(
                {
                    "endpoint": name,
                    "connections": connections,
                    **wrk(base + path, method, body, token, connections, seconds),
                    "bare_rps": bare["rps"],
                }
            )
            print(
                f"  {name:<28} c={connections:<3} {rows[-1]['rps']:8.0f} req/s "
                f"(bare DRF just before: {bare['rps']:.0f})",
                flush=True,
            )
    medians = [
        {"endpoint": BARE_FLOOR, "connections": connections, **median_run(runs)}
        for connections, runs in bare_runs.items()
    ]
    return medians + rows


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median throughput (the lower middle one of an even count)."""
    median = sorted(runs, key=lambda run: run["rps"])[(len(runs) - 1) // 2]
    return {**median, "bare_rps": median["rps"]}


BARE_FLOOR = "bare DRF APIView"


def ratios_add(rows: list[dict[str, Any]]) -> None:
    """Every row against the bare framework run just before it, and against our own ping at its
    concurrency."""
    ping = {
        row["connections"]: row["rps"] for row in rows if row["endpoint"].startswith("framework")
    }
    for row in rows:
        row["vs_bare"] = row["rps"] / row["bare_rps"]
        row["vs_floor"] = row["rps"] / ping[row["connections"]]


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
from mlmodels.selectors import dataset_latest_get
from tariffs.models import ImpactAnalysis
from tariffs.selectors import tariff_get_current
from tariffs.services import Scenario, impact_analysis_create
from django.utils import timezone

tariff = tariff_get_current(on=timezone.localdate())
started = time.perf_counter()
analysis = impact_analysis_create(
    dataset_id=dataset_latest_get().pk, scenario=Scenario(index_month=tariff.reference_month)
)
while analysis.state not in ("done", "failed"):
    time.sleep(0.05)
    analysis.refresh_from_db(fields=["state", "error"])
print(json.dumps({
    "state": analysis.state, "error": analysis.error, "chunks": analysis.chunks,
    "seconds": time.perf_counter() - started,
}))
"""


def impact_analysis_benchmark(env: dict[str, str]) -> dict[str, Any]:
    """The impact analysis of the whole portfolio, with one worker process, then two."""
    subprocess.run(["redis-cli", "-n", "13", "flushdb"], check=True, capture_output=True)
    report = {}
    for processes in (1, 2):
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
            result = subprocess.run(
                [sys.executable, "-c", IMPACT_ANALYSIS],
                cwd=ROOT,
                env={**env, "DJANGO_SETTINGS_MODULE": "pricing_site.settings"},
                capture_output=True,
                text=True,
                check=True,
                timeout=600,
            )
        finally:
            worker.terminate()
            worker.wait(timeout=60)
        run = json.loads(result.stdout.strip().splitlines()[-1])
        if run["state"] != "done":
            sys.exit(f"impact analysis failed: {run['error']}")
        report[f"{processes} worker process{'es' if processes > 1 else ''}"] = run
        print(f"  {processes} worker process(es): {run['seconds']:.1f} s", flush=True)
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


STAFF = "bench-staff"  # "bench" is the API client


def admin_model_page_benchmark(env: dict[str, str]) -> dict[str, float]:
    """Seconds to open the candidate's page in the admin: the first view (comparison computed
    and stored) and the median of the next views (the stored comparison)."""
    manage(env, "createsuperuser", "--no-input", "--username", STAFF, "--email", "staff@bench.be")
    candidate = manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from mlmodels.models import ModelVersion; "
        "print(ModelVersion.objects.filter(is_production=False).latest('created_at').pk)",
    ).strip()
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
    staff = {**https, "Cookie": f"sessionid={logged_in.cookies['sessionid']}"}
    url = f"{base}/admin/mlmodels/modelversion/{candidate}/change/"
    timings = []
    for _ in range(ADMIN_VIEWS + 1):
        started = time.perf_counter()
        response = requests.get(url, headers=staff, timeout=60)
        timings.append(time.perf_counter() - started)
        if response.status_code != 200 or "comparison" not in response.text:
            sys.exit(f"model page: {response.status_code} {response.text[:300]}")
    stored = sorted(timings[1:])[len(timings[1:]) // 2]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 s runs, no training timings")
    parser.add_argument("--duration", type=int, help="seconds per wrk run (default 10, quick 3)")
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
    servers = [gunicorn_start(env), gunicorn_start(floor_env, app="bench.floor", probe="/floor")]
    try:
        print("HTTP, through gunicorn, each run after one of the bare DRF floor:", flush=True)
        http = http_benchmarks(env, floor_env, token, seconds)
        print("The admin's model page:", flush=True)
        admin_page = admin_model_page_benchmark(env)
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
        "scoring": scoring,
        "portfolio_pricing": portfolio,
        "impact_analysis": impact,
        "offline": offline,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=1))
    table = markdown(report)
    (RESULTS / "latest.md").write_text(table)
    readme_update(table)
    print()
    print(table)
    at_16 = {row["endpoint"]: row for row in http if row["connections"] == 16}
    quote, ping = at_16["quote"], at_16["framework floor (ping)"]
    print(
        f"at 16 connections: ping {ping['vs_bare']:.0%} of the bare DRF floor (target >= 70 %), "
        f"quote {quote['vs_bare']:.0%} (target >= 30 %), p99 {quote['p99_ms']:.1f} ms "
        f"(target < 30 ms); portfolio pricing "
        f"{portfolio['policies_per_second']:,.0f} policies/s (target >= 30,000)"
    )


if __name__ == "__main__":
    main()
