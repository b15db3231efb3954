"""Serving: the production model stays in memory, and a promotion reaches another process."""

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from mlmodels import serving
from mlmodels.serving import loaded_model_get, model_version_predict
from mlmodels.tests.fixtures import promote, tamper

RECORD = {
    "coverage": "TPL",
    "ageph": 30,
    "bm": 5,
    "power": 80,
    "agec": 4,
    "fuel": "diesel",
    "use": "private",
    "fleet": 0,
    "postcode": 1000,
}

# A second web process: same database and cache, its own memory.
OTHER_PROCESS = """
import json, sys, django
django.setup()
from mlmodels.serving import model_version_predict
for line in sys.stdin:
    prediction = model_version_predict(task="claim_frequency", records=[json.loads(line)])
    print(prediction.version_id, flush=True)
"""


@pytest.mark.django_db
def test_model_version_predict_loads_model_once(production_version, django_assert_num_queries):
    model_version_predict(task="claim_frequency", records=[RECORD])

    with django_assert_num_queries(0):
        prediction = model_version_predict(task="claim_frequency", records=[RECORD])

    assert prediction.version_id == production_version.pk
    assert loaded_model_get(version_id=production_version.pk) is loaded_model_get(
        version_id=production_version.pk
    )


@pytest.mark.django_db
def test_process_keeps_serving_its_model_when_the_promoted_one_cannot_load(
    production_version, train, client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(serving, "_serving", {})
    monkeypatch.setattr(serving, "_load_failures", {})
    model_version_predict(task="claim_frequency", records=[RECORD])
    candidate = train(estimator="glm")
    with django_capture_on_commit_callbacks(execute=True):
        promote(candidate)
    tamper(candidate)  # after promotion: verified then, altered since

    prediction = model_version_predict(task="claim_frequency", records=[RECORD])
    ready = client.get("/readyz")

    assert prediction.version_id == production_version.pk
    assert (ready.status_code, ready.json()["status"]) == (200, "degraded")
    assert ready.json()["models"]["claim_frequency"] == {
        "production_version": candidate.pk,
        "serving_version": production_version.pk,
        "reason": "The model artifact does not match its SHA-256: it was altered.",
    }


@pytest.mark.django_db(transaction=True)
def test_promotion_reaches_another_process_without_restart(train, media_root):
    first, second = train(), train(estimator="glm")
    promote(first)
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_MEDIA_ROOT": str(media_root)}
    other = subprocess.Popen(
        [sys.executable, "-c", OTHER_PROCESS],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert ask(other) == first.pk
        assert ask(other) == first.pk

        promote(second)

        assert ask(other) == second.pk
    finally:
        other.kill()
        other.wait()


def ask(process) -> int:
    process.stdin.write(json.dumps(RECORD) + "\n")
    process.stdin.flush()
    return int(process.stdout.readline())


def database_url() -> str:
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
