"""Project-wide test fixtures: real PostgreSQL and Redis, a clean cache and media root per test."""

import os
from collections.abc import Callable

import pytest
from django.conf import settings
from rest_framework.test import APIClient

# Fixtures other apps' tests build on: recorded Statbel answers, the demo index, trained models.
pytest_plugins = [
    "pricing_site.tests.fixtures",
    "indices.tests.fixtures",
    "mlmodels.tests.fixtures",
    "strategies.tests.fixtures",
    "tariffs.tests.fixtures",
    "tests.fixtures",
    "tests.admin_world",
]

SERVICE_START_COMMANDS = {
    "PostgreSQL": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "Redis": 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
}


def stop_run(service: str, reason: str) -> None:
    pytest.exit(
        f"{service} is required by the test suite and is {reason}. "
        f"Start it with: {SERVICE_START_COMMANDS[service]}",
        returncode=3,
    )


def pytest_sessionstart(session: pytest.Session) -> None:
    """Stop at once, naming the service, when PostgreSQL or Redis is not the real, reachable one."""
    import psycopg
    import redis

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        stop_run("PostgreSQL", f"not configured (DATABASE_URL points at {database['ENGINE']})")
    try:
        psycopg.connect(
            host=database["HOST"] or "127.0.0.1",
            port=database["PORT"] or 5432,
            user=database["USER"],
            password=database["PASSWORD"],
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.OperationalError as exc:
        stop_run("PostgreSQL", f"unreachable ({exc.__class__.__name__})")
    if not settings.REDIS_URL:
        stop_run("Redis", "not configured (REDIS_URL is empty)")
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        stop_run("Redis", f"unreachable ({exc.__class__.__name__})")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With PRICING_FORBID_SKIPS (CI), a skipped test fails the run: a check that did not run
    (no browser, no compose, no real data) must not pass for one that did."""
    if os.environ.get("PRICING_FORBID_SKIPS") != "true":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        for report in skipped:
            reporter.write_line(
                f"forbidden skip: {report.nodeid} ({report.longrepr[-1]})", red=True
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def clean_cache() -> None:
    """Every test starts with an empty cache (only this suite's key prefix, never FLUSHDB)."""
    from django.core.cache import cache

    cache.delete_pattern("*")


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the project's language: a request in Dutch leaves Dutch active in the
    thread, and a later test would read its messages in Dutch."""
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def make_api_client(db) -> Callable[..., APIClient]:
    """An APIClient that authenticates with a real key of a client holding *permissions*."""
    from pricing_site.services import api_client_create

    created = 0

    def make(*permissions: str, groups: tuple[str, ...] = ()) -> APIClient:
        nonlocal created
        created += 1
        issued = api_client_create(
            name=f"test-client-{created}", permissions=list(permissions), groups=list(groups)
        )
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
        client.user = issued.api_key.client  # type: ignore[attr-defined]
        client.api_key = issued.api_key  # type: ignore[attr-defined]
        return client

    return make


@pytest.fixture
def api_client(make_api_client) -> APIClient:
    """An authenticated API client that may read every endpoint and write none."""
    return make_api_client()


@pytest.fixture
def live_database_url(transactional_db) -> str:
    """The test database as a URL, for another process (a worker) to see committed rows."""
    from django.db import connection

    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker(live_database_url, media_root):
    """A real Celery worker process on the real Redis broker; tasks are sent, not run eagerly."""
    import os
    import subprocess
    import sys
    import time

    from pricing_site.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    app.control.purge()  # Messages left by an interrupted earlier run must not be consumed.
    env = {
        **os.environ,
        "DATABASE_URL": live_database_url,
        "DJANGO_MEDIA_ROOT": str(media_root),
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "pricing_site",
        "worker",
        "--pool=solo",
        "--without-mingle",
        "--without-gossip",
        "--loglevel=INFO",
        f"--hostname=test-{os.getpid()}@%h",
    ]
    worker = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(timeout=0.5):
            break
        if worker.poll() is not None:
            pytest.fail(f"the Celery worker exited: {worker.stdout.read()}")
    else:
        worker.kill()
        pytest.fail("the Celery worker did not start within 60 s")
    yield worker
    app.conf.task_always_eager = eager
    worker.terminate()
    worker.wait(timeout=30)
