"""The real services behind the suite, health probes, settings safety and the API client command."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from pricing_site.models import ApiKey
from pricing_site.services import STAFF_GROUPS

pytestmark = pytest.mark.django_db

PROJECT_ROOT = Path(settings.BASE_DIR)
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


def test_suite_runs_on_postgresql():
    assert connection.vendor == "postgresql"


def test_suite_cache_is_the_real_redis():
    cache.set("probe", "value", 30)

    raw_keys = redis.Redis.from_url(settings.REDIS_URL).keys("*probe*")

    assert settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert raw_keys


def test_healthz_answers_without_touching_services():
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_200_when_database_and_cache_are_up():
    response = Client().get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok"}


def test_readyz_is_503_naming_the_cache_when_redis_is_unreachable(settings):
    settings.REDIS_URL = UNREACHABLE_REDIS
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": UNREACHABLE_REDIS},
    }

    response = Client().get("/readyz")

    body = response.json()
    assert response.status_code == 503
    assert body["code"] == "not_ready"
    assert body["extra"]["failed"] == ["cache"]
    assert "cache" in body["detail"]


def test_create_api_client_prints_a_working_token():
    out = io.StringIO()

    call_command("create_api_client", "partner-app", stdout=out, stderr=io.StringIO())

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}")
    assert client.get("/api/v1/ping").status_code == 200


@pytest.mark.parametrize(("options", "may_quote"), [((), True), (("--read-only",), False)])
def test_create_api_client_gives_the_default_role_unless_read_only(options, may_quote):
    out = io.StringIO()
    call_command("create_api_client", "partner-app", *options, stdout=out, stderr=io.StringIO())
    user = ApiKey.objects.get(prefix=out.getvalue().split(".")[0]).client

    assert user.has_perm("tariffs.add_quote") is may_quote
    assert not user.has_perm("mlmodels.add_modelversion")
    assert not user.has_perm("mlmodels.add_dataset")


def test_create_api_client_refuses_a_taken_name():
    call_command("create_api_client", "twice", stdout=io.StringIO(), stderr=io.StringIO())

    with pytest.raises(CommandError, match="already exists"):
        call_command("create_api_client", "twice", stdout=io.StringIO(), stderr=io.StringIO())


def test_create_api_client_refuses_an_unknown_permission():
    with pytest.raises(CommandError, match="Unknown permission"):
        call_command("create_api_client", "x", "--permission", "nope.nothing", stdout=io.StringIO())


def test_staff_groups_exist_with_exactly_their_permissions():
    for name, permissions in STAFF_GROUPS.items():
        group = Group.objects.get(name=name)
        granted = {
            f"{app_label}.{codename}"
            for app_label, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert granted == set(permissions)


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_secret_key_stops_start_up_when_debug_is_off():
    result = run_manage("check", env={})

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_SECRET_KEY": "x7#Vq!2mZ@9pL$4wR&8tY*1uI^5oP(3aS)6dF_0gH+jK=lB-nM[cX]",
            "DJANGO_ALLOWED_HOSTS": "pricing.example.be",
        },
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("opt_in", "preload"), [({}, "False"), ({"DJANGO_SECURE_HSTS_PRELOAD": "true"}, "True")]
)
def test_hsts_preload_is_opt_in(opt_in, preload):
    env = {"DJANGO_SECRET_KEY": "k" * 50, **opt_in}
    read = "from django.conf import settings; print(settings.SECURE_HSTS_PRELOAD)"

    result = run_manage("shell", "-c", read, env=env)

    assert result.stdout.strip().splitlines()[-1] == preload, result.stderr


@pytest.mark.parametrize(
    ("debug", "address", "token", "authorization", "status"),
    [
        (True, "127.0.0.1", "", "", 200),
        (True, "10.1.2.3", "", "", 200),
        (True, "8.8.8.8", "", "", 403),
        (False, "127.0.0.1", "", "", 403),
        (False, "10.1.2.3", "", "", 403),
        (False, "127.0.0.1", "s3cret", "", 403),
        (False, "8.8.8.8", "s3cret", "Bearer s3cret", 200),
    ],
)
def test_metrics_are_not_public(client, settings, debug, address, token, authorization, status):
    settings.DEBUG = debug
    settings.PRICING_METRICS_TOKEN = token

    response = client.get("/metrics", REMOTE_ADDR=address, HTTP_AUTHORIZATION=authorization)

    assert response.status_code == status


@pytest.mark.parametrize(("forbid", "exit_code"), [("true", 1), ("", 0)])
def test_a_skipped_check_fails_the_run_when_skips_are_forbidden(forbid, exit_code):
    test = "mlmodels/tests/test_schema.py::test_dataset_validate_accepts_real_portfolio"
    env = {**os.environ, "PRICING_SHARED_DIR": "/no-shared-data", "PRICING_FORBID_SKIPS": forbid}

    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--no-cov", test],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert "1 skipped" in result.stdout
    assert result.returncode == exit_code, result.stdout
