"""The production image, checked as far as a machine without a Docker engine allows: the
Dockerfile's lint and rules, the compose file, and the image's exact gunicorn command serving."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
BIN = Path(sys.executable).parent


def instructions(name: str) -> list[str]:
    return [
        line.split(None, 1)[1] for line in DOCKERFILE.splitlines() if line.startswith(f"{name} ")
    ]


def test_dockerfile_passes_hadolint():
    result = subprocess.run(
        [BIN / "hadolint", "Dockerfile"], cwd=ROOT, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stdout


def test_dockerfile_builds_on_alpine_in_two_stages_and_runs_gunicorn_unprivileged():
    assert instructions("FROM") == ["python:3.13-alpine AS build", "python:3.13-alpine"]
    assert instructions("USER") == ["10001:10001"]
    assert instructions("EXPOSE") == ["5000"]
    assert "HEALTHCHECK" in DOCKERFILE
    assert "/healthz" in DOCKERFILE
    assert json.loads(instructions("CMD")[-1])[0] == "gunicorn"
    assert not [line for line in instructions("ENV") if "SECRET" in line or "PASSWORD" in line]


def test_gunicorn_workers_keep_the_loaded_application_out_of_garbage_collection():
    # In a process of its own: freezing is process-wide.
    script = (
        "import gc, runpy; "
        "runpy.run_path('gunicorn.conf.py')['post_worker_init'](None); "
        "print(gc.get_freeze_count())"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )

    assert int(result.stdout) > 1000


def test_dockerignore_keeps_secrets_and_local_state_out():
    ignored = (ROOT / ".dockerignore").read_text().split()

    assert {".env", ".git", ".venv", "*.sqlite3", "media"} <= set(ignored)


@pytest.mark.skipif(
    not shutil.which("docker-compose"),
    reason="docker-compose is not installed: run .ci/provision",
)
def test_compose_file_is_valid(tmp_path):
    shutil.copy(ROOT / "docker-compose.yml", tmp_path)
    env = (
        (ROOT / ".env.example")
        .read_text()
        .replace("POSTGRES_PASSWORD=\n", "POSTGRES_PASSWORD=example\n")
    )
    (tmp_path / ".env").write_text(env)

    result = subprocess.run(
        ["docker-compose", "config"], cwd=tmp_path, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    import yaml

    config = yaml.safe_load(result.stdout)
    assert set(config["services"]) == {"postgres", "redis", "migrate", "web", "worker", "beat"}
    for service in ("web", "worker", "beat"):
        assert (
            config["services"][service]["depends_on"]["migrate"]["condition"]
            == "service_completed_successfully"
        )
    assert "healthcheck" in config["services"]["web"]
    assert set(config["volumes"]) == {"postgres-data", "media"}


def free_port() -> int:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 5000)) != 0:
            return 5000  # the image's own port, when nothing else uses it here
        probe2 = socket.socket()
        probe2.bind(("127.0.0.1", 0))
        port = probe2.getsockname()[1]
        probe2.close()
        return port


METRICS_TOKEN = "metrics-token-of-the-gunicorn-test"


@pytest.fixture
def gunicorn_url(live_database_url, tmp_path):
    """The image's CMD, run as the image runs it: production settings, two workers."""
    port = free_port()
    env = {
        **os.environ,
        "PATH": f"{BIN}:{os.environ['PATH']}",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "a-production-like-secret-key-for-the-gunicorn-test-0123456789",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": live_database_url,
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
        "PRICING_METRICS_TOKEN": METRICS_TOKEN,
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        json.loads(instructions("CMD")[-1]),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(f"{url}/healthz", timeout=1)
                break
            except requests.RequestException:  # not listening, or workers still booting
                if server.poll() is not None:
                    pytest.fail((tmp_path / "gunicorn.log").read_text())
                time.sleep(0.2)
        yield url
    finally:  # never leave a server behind, whatever failed
        server.terminate()
        server.wait(timeout=30)
        log.close()
    assert "Shutting down: Master" in (tmp_path / "gunicorn.log").read_text()


def test_image_command_serves_api_with_production_settings(gunicorn_url, make_api_client):
    token = make_api_client()._credentials["HTTP_AUTHORIZATION"]  # type: ignore[attr-defined]
    behind_tls = {"X-Forwarded-Proto": "https"}  # production sits behind a TLS proxy

    assert requests.get(f"{gunicorn_url}/readyz", timeout=5).json()["checks"] == {
        "database": "ok",
        "cache": "ok",
    }
    ping = requests.get(
        f"{gunicorn_url}/api/v1/ping", headers={"Authorization": token, **behind_tls}, timeout=5
    )
    assert ping.status_code == 200
    assert (
        requests.get(f"{gunicorn_url}/api/v1/ping", headers=behind_tls, timeout=5).json()["code"]
        == "not_authenticated"
    )
    docs = requests.get(f"{gunicorn_url}/api/docs/", headers=behind_tls, timeout=5)
    assert docs.status_code == 200
    # Swagger UI comes from our static files, pinned, so the docs work offline.
    assert "cdn.jsdelivr.net" not in docs.text
    bundle = docs.text.split('src="')[1].split('"')[0]
    assert "swagger-ui-bundle.js" in bundle
    assert requests.get(f"{gunicorn_url}{bundle}", headers=behind_tls, timeout=5).status_code == 200
    admin = requests.get(f"{gunicorn_url}/admin/login/", headers=behind_tls, timeout=5)
    assert admin.status_code == 200
    stylesheet = admin.text.split('href="')[1].split('"')[0]
    assert (
        requests.get(f"{gunicorn_url}{stylesheet}", headers=behind_tls, timeout=5).status_code
        == 200
    )


def log_lines_waited_for(text: str, log: Path) -> list[dict]:
    """The JSON lines of *log* holding *text*: gunicorn writes its access line once the answer
    is sent, so the client may read the log before it is there."""
    deadline = time.monotonic() + 5
    while True:
        lines = [json.loads(line) for line in log.read_text().splitlines() if text in line]
        if lines or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def test_each_request_writes_one_json_log_line_with_its_request_id(
    gunicorn_url, make_api_client, tmp_path
):
    token = make_api_client()._credentials["HTTP_AUTHORIZATION"]  # type: ignore[attr-defined]

    requests.get(
        f"{gunicorn_url}/api/v1/ping",
        headers={"Authorization": token, "X-Forwarded-Proto": "https", "X-Request-ID": "abc-123"},
        timeout=5,
    )

    lines = log_lines_waited_for("abc-123", tmp_path / "gunicorn.log")
    assert [(line["method"], line["path"], line["status"]) for line in lines] == [
        ("GET", "/api/v1/ping", 200)
    ]
    assert lines[0]["request_id"] == "abc-123"
    assert lines[0]["duration_ms"] >= 0


def test_metrics_add_up_every_worker(gunicorn_url, make_api_client):
    token = make_api_client()._credentials["HTTP_AUTHORIZATION"]  # type: ignore[attr-defined]
    for _ in range(6):
        requests.get(
            f"{gunicorn_url}/api/v1/ping",
            headers={"Authorization": token, "X-Forwarded-Proto": "https"},
            timeout=5,
        )

    refused = requests.get(f"{gunicorn_url}/metrics", timeout=5)
    metrics = requests.get(
        f"{gunicorn_url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=5
    ).text

    assert refused.status_code == 403
    assert (
        'pricing_http_requests_total{endpoint="api:ping",method="GET",status="200"} 6.0' in metrics
    )
    assert "pricing_http_request_seconds_bucket" in metrics
