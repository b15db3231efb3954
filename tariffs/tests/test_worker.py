"""An impact analysis on a real Celery worker: chunks priced as a chord, then aggregated."""

import time
from datetime import date
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from strategies.tests.fixtures import rule
from tariffs.services import impact
from tariffs.tests.fixtures import QUOTE
from zipcodes.services import zipcode_file_lines, zipcode_load_csv

pytestmark = pytest.mark.worker


def test_impact_analysis_chunks_are_priced_by_the_worker_and_aggregated(
    celery_worker, make_api_client, production_tariff, demo_history, tariff, dataset, monkeypatch
):
    # A flush after an earlier transactional test removed the risk classes the migration made.
    import_module("zipcodes.migrations.0002_risk_classes").create_risk_classes(apps, None)
    lines = zipcode_file_lines((Path(settings.BASE_DIR) / "fixtures" / "zipcodes.csv").read_bytes())
    zipcode_load_csv(lines=lines)
    rule(percent="0")
    draft = rule(fuel="diesel", percent="-10", state="draft")
    monkeypatch.setattr(impact, "CHUNK_POLICIES", 1000)  # three chunks of the 3,000 policies
    client = make_api_client("tariffs.add_impactanalysis")

    started = client.post(
        reverse("api:tariffs:impact_analyses"),
        {"dataset": dataset.pk, "date": str(date(2026, 11, 24)), "scenario": {"rules": [draft.pk]}},
        format="json",
    ).json()

    assert started["chunks"] == 3
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        analysis = client.get(f"/api/v1/impact-analyses/{started['id']}").json()
        if analysis["state"] in ("done", "failed"):
            break
        time.sleep(0.3)
    assert analysis["state"] == "done", analysis["error"]
    assert analysis["result"]["priced"] == 3000
    assert sum(bucket["policies"] for bucket in analysis["result"]["histogram"]) == 3000


def test_an_impact_analysis_whose_chunk_fails_is_reported_failed(
    celery_worker, make_api_client, production_tariff, demo_history, tariff, dataset
):
    import_module("zipcodes.migrations.0002_risk_classes").create_risk_classes(apps, None)
    rule(percent="0")
    dataset.file.delete(save=False)  # the worker cannot read the portfolio any more
    client = make_api_client("tariffs.add_impactanalysis")

    started = client.post(
        reverse("api:tariffs:impact_analyses"),
        {"dataset": dataset.pk, "scenario": {"index_month": "2025-06"}},
        format="json",
    ).json()

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        analysis = client.get(f"/api/v1/impact-analyses/{started['id']}").json()
        if analysis["state"] in ("done", "failed"):
            break
        time.sleep(0.3)
    assert analysis["state"] == "failed"
    assert analysis["error"]


def test_a_large_pricing_batch_is_priced_by_the_worker_in_chunks(
    celery_worker, make_api_client, production_tariff, demo_history, tariff, settings
):
    import_module("zipcodes.migrations.0002_risk_classes").create_risk_classes(apps, None)
    zipcode_load_csv(lines=["1000,C", "3000,A"])
    rule(percent="-1")
    settings.PRICING_BATCH_AT_ONCE = 10
    settings.PRICING_BATCH_CHUNK_POLICIES = 20  # three chunks of the 45 policies
    client = make_api_client("tariffs.add_quote")
    policies = [
        {
            **QUOTE,
            "zipcode": 3000 if index % 2 else 1000,
            "driver": {"age": 18 + index, "bonus_malus": 2},
        }
        for index in range(45)
    ]
    policies[30]["zipcode"] = 4000  # not in the table: reported, the others priced

    started = client.post(
        reverse("api:tariffs:pricing_batches"), {"policies": policies}, format="json"
    )

    assert started.status_code == 202
    assert started.json()["chunks"] == 3
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        batch = client.get(started["Location"]).json()
        if batch["state"] in ("done", "failed"):
            break
        time.sleep(0.3)
    assert batch["state"] == "done", batch["error"]
    assert (batch["priced"], batch["failed"]) == (44, 1)
    results = client.get(batch["results_url"]).json()["results"]
    assert [result["index"] for result in results] == list(range(45))
    assert results[30]["errors"][0]["code"] == "zipcode_not_found"
    quoted = client.post(reverse("api:tariffs:quotes"), policies[44], format="json").json()
    assert results[44]["premium"] == quoted["premium"]
