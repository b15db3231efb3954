"""The zipcode API: status codes, the JSON error format, filtering, Redis outages."""

import pytest
from django.urls import reverse

from zipcodes.services import zipcode_load_csv

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"code", "detail", "fields", "extra"}


@pytest.fixture(autouse=True)
def table(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        zipcode_load_csv(
            lines=["zipcode,risk_class,municipality", "1000,C,Brussel", "9000,B,Gent", "3000,A,"]
        )


def detail(zipcode: str) -> str:
    return reverse("api:zipcodes:detail", kwargs={"zipcode": zipcode})


def test_zipcode_detail_returns_class_and_factor(api_client):
    response = api_client.get(detail("9000"))

    assert response.status_code == 200
    assert response.json() == {
        "zipcode": 9000,
        "risk_class": "B",
        "factor": "1.15",
        "municipality": "Gent",
    }


@pytest.mark.parametrize("zipcode", ["abc", "999", "10000", "9000.5"])
def test_zipcode_detail_returns_400_when_zipcode_invalid(api_client, zipcode):
    response = api_client.get(detail(zipcode))

    assert response.status_code == 400
    assert set(response.json()) == ERROR_KEYS
    assert response.json()["code"] == "invalid_zipcode"
    assert response.json()["fields"][0]["field"] == "zipcode"


def test_zipcode_detail_returns_404_when_not_in_table(api_client):
    response = api_client.get(detail("4000"))

    assert response.status_code == 404
    assert response.json()["code"] == "zipcode_not_found"


def test_zipcode_detail_needs_a_token(client):
    assert client.get(detail("9000")).status_code == 401


def test_zipcode_detail_second_call_makes_no_query(api_client, django_assert_num_queries):
    api_client.get(detail("9000"))

    with django_assert_num_queries(0):
        assert api_client.get(detail("9000")).status_code == 200


def test_zipcode_list_filters_by_class(api_client):
    response = api_client.get(reverse("api:zipcodes:list"), {"risk_class": "A"})

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert response.json()["results"] == [
        {"zipcode": 3000, "risk_class": "A", "factor": "1.00", "municipality": "", "province": ""}
    ]


def test_zipcode_list_is_paginated_in_code_order(api_client):
    body = api_client.get(reverse("api:zipcodes:list")).json()

    assert [row["zipcode"] for row in body["results"]] == [1000, 3000, 9000]
    assert body["next"] is None


def test_zipcode_list_returns_400_when_class_unknown(api_client):
    response = api_client.get(reverse("api:zipcodes:list"), {"risk_class": "F"})

    assert response.status_code == 400
    assert response.json()["fields"][0]["field"] == "risk_class"


def test_zipcode_list_ignores_sql_in_query_string(api_client):
    response = api_client.get(reverse("api:zipcodes:list"), {"risk_class": "A' OR '1'='1"})

    assert response.status_code == 400


def test_zipcode_detail_answers_with_redis_down(api_client, settings):
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}
    }

    response = api_client.get(detail("9000"))

    assert response.status_code == 200
    assert response.json()["risk_class"] == "B"
