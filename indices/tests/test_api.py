"""The health-index API: latest per base year, history, 400/503, as_of and stale, cache."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from indices.clients import HealthIndexObservation
from indices.models import HealthIndex
from indices.selectors import latest_expected_month
from indices.services import health_index_store

pytestmark = pytest.mark.django_db

LATEST = "api:indices:health_latest"


def history(base_year: int) -> str:
    return reverse("api:indices:health_history", kwargs={"base_year": base_year})


def test_health_latest_lists_every_base_year(api_client, demo_history):
    body = api_client.get(reverse(LATEST)).json()

    assert [row["base_year"] for row in body["results"]] == [1988, 1996, 2004, 2013, 2025]
    assert body["as_of"] == "2026-07"
    assert body["stale"] is True
    assert body["results"][3] == {
        "base_year": 2013,
        "as_of": "2026-06",
        "value": "139.08",
        "stale": True,
    }


@pytest.mark.parametrize(
    ("base_year", "value"), [(1996, "182.69"), (2004, "160.58"), (2013, "139.08")]
)
def test_health_latest_answers_for_one_base_year(api_client, demo_history, base_year, value):
    body = api_client.get(reverse(LATEST), {"base_year": base_year}).json()

    assert [row["value"] for row in body["results"]] == [value]


def test_health_latest_is_fresh_when_due_month_stored(api_client, demo_history):
    due = latest_expected_month(today=date.today())
    health_index_store(
        observations=[HealthIndexObservation(due, 2013, Decimal("140.00"))],
        source=HealthIndex.Source.BESTAT,
    )

    body = api_client.get(reverse(LATEST), {"base_year": 2013}).json()

    assert (body["as_of"], body["stale"]) == (f"{due:%Y-%m}", False)


def test_health_latest_filtered_by_an_unknown_base_year_is_a_400_listing_them(
    api_client, demo_history
):
    response = api_client.get(reverse(LATEST), {"base_year": 2020})

    assert response.status_code == 400
    assert response.json()["code"] == "unknown_base_year"
    assert response.json()["extra"]["valid"] == [1988, 1996, 2004, 2013, 2025]
    assert response.json()["fields"][0]["field"] == "base_year"


def test_health_latest_returns_503_when_nothing_stored(api_client):
    response = api_client.get(reverse(LATEST))

    assert response.status_code == 503
    assert response.json()["code"] == "no_health_index"


def test_health_latest_is_served_from_cache_after_first_call(
    api_client, demo_history, django_assert_num_queries
):
    api_client.get(reverse(LATEST))

    with django_assert_num_queries(0):
        assert api_client.get(reverse(LATEST), {"base_year": 2013}).status_code == 200


def test_health_history_filters_months(api_client, demo_history):
    body = api_client.get(history(2013), {"from": "2020-01", "to": "2020-03"}).json()

    assert body["base_year"] == 2013
    assert body["as_of"] == "2026-06"
    assert [row["month"] for row in body["results"]] == ["2020-01", "2020-02", "2020-03"]


def test_health_history_returns_whole_series_without_filter(api_client, demo_history):
    body = api_client.get(history(2025)).json()

    assert [row["month"] for row in body["results"]][-1] == "2026-07"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2020-13"}, "from"),
        ({"to": "2020"}, "to"),
        ({"from": "2021-01", "to": "2020-01"}, "from"),
    ],
)
def test_health_history_returns_400_when_months_invalid(api_client, demo_history, query, field):
    response = api_client.get(history(2013), query)

    assert response.status_code == 400
    assert response.json()["fields"][0]["field"] == field


def test_health_history_returns_404_when_base_year_unknown(api_client, demo_history):
    response = api_client.get(history(1999))

    assert (response.status_code, response.json()["code"]) == (404, "unknown_base_year")
