"""Storing the health index: upserts, revisions kept and logged, nothing lost on failure."""

from datetime import date
from decimal import Decimal

import pytest
import requests

from indices.clients import HealthIndexObservation, StatbelFormatError
from indices.models import HealthIndex
from indices.services import health_index_refresh, health_index_store
from pricing_site.exceptions import UpstreamUnavailableError

pytestmark = pytest.mark.django_db


def test_health_index_load_history_stores_every_published_value(demo_history):
    assert demo_history.created == HealthIndex.objects.count() > 1400
    assert HealthIndex.objects.get(base_year=2013, month=date(2020, 8, 1)).value == Decimal(
        "110.20"
    )


def test_health_index_refresh_stores_new_months_and_reports_them(
    demo_history, statbel, bestat_url, bestat_payload
):
    statbel.get(bestat_url, json=bestat_payload)

    report = health_index_refresh()

    assert report.created == 0  # the recorded months are already in the demo history
    assert report.unchanged == 10
    assert str(report) == "0 new, 0 revised, 10 unchanged health index value(s)."


def test_health_index_store_keeps_revision_in_history_and_logs_it(demo_history, caplog):
    observation = HealthIndexObservation(date(2026, 6, 1), 2013, Decimal("139.10"))

    report = health_index_store(observations=[observation], source=HealthIndex.Source.BESTAT)

    assert report.revised == ["2026-06 base 2013: 139.08 -> 139.10"]
    row = HealthIndex.objects.get(base_year=2013, month=date(2026, 6, 1))
    assert [h.value for h in row.history.all()] == [Decimal("139.10"), Decimal("139.08")]
    assert "health index revised" in caplog.text


@pytest.mark.parametrize(
    "answer",
    [
        {"body": requests.ConnectionError("refused")},
        {"status": 500, "body": ""},
        {"body": "<html></html>", "content_type": "text/html"},
        {
            "json": {
                "facts": [{"Month": "July 2026", "Base year": "2013 = 100", "Health index": 9999}]
            }
        },
    ],
    ids=["down", "500", "html", "absurd"],
)
def test_health_index_refresh_loses_nothing_when_statbel_fails(
    demo_history, statbel, bestat_url, answer
):
    before = list(HealthIndex.objects.order_by("pk").values_list("pk", "value"))
    statbel.get(bestat_url, **answer)

    with pytest.raises((UpstreamUnavailableError, StatbelFormatError)):
        health_index_refresh()

    assert list(HealthIndex.objects.order_by("pk").values_list("pk", "value")) == before
