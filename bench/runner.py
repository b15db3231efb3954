"""The harness's machinery: the bench database and its data, gunicorn serving the service and
its bare floor, wrk driving them, and the management commands it times."""

import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]


RESULTS = ROOT / "bench" / "results"


REAL_PORTFOLIO = (
    Path(os.environ.get("PRICING_SHARED_DIR", ROOT.parent / "shared")) / "data" / "beMTPL97.csv"
)


REAL_PORTFOLIO_ROWS = 163_212


DATABASE = "pricing_bench"


CONCURRENCIES = (1, 16, 64)


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
        # The admin pages are measured, not the second factor of their login.
        "PRICING_OTP_REQUIRED": "false",
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


BENCH_APPROVER = "bench-approver"
STAFF = "bench-staff"  # who opens the admin's pages; "bench" is the API client


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
    # Who approves the bench's zoning and models (four eyes: the commands name a staff member).
    manage(
        {**env, "DJANGO_SUPERUSER_PASSWORD": secrets.token_hex(16)},
        "createsuperuser",
        "--no-input",
        "--username",
        BENCH_APPROVER,
        "--email",
        "bench@example.invalid",
    )
    manage(env, "createsuperuser", "--no-input", "--username", STAFF, "--email", "staff@bench.be")
    approval = ("--approved-by", BENCH_APPROVER)
    manage(
        env,
        "derive_zones",
        "--data",
        str(data),
        "--approve",
        *approval,
        "--reason",
        "Bench set-up.",
    )
    train(env, data, "claim_frequency", "hist_gradient_boosting", "--promote-if-better", *approval)
    train(env, data, "claim_severity", "glm", "--promote-if-better", *approval)
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


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median throughput (the lower middle one of an even count)."""
    return sorted(runs, key=lambda run: run["rps"])[(len(runs) - 1) // 2]
