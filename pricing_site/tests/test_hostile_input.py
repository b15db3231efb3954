"""Hostile or malformed requests get the API's JSON error naming what is wrong, never a 500."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("api:tariffs:quotes", DEEP),
        ("api:mlmodels:predictions", DEEP),
        ("api:mlmodels:predictions", f'{{"task": "claim_frequency", "records": [], "x": {DEEP}}}'),
    ],
    ids=["quote", "prediction", "prediction, in a field"],
)
def test_json_nested_deeper_than_the_stack_is_a_parse_error(make_api_client, url, body):
    response = make_api_client("tariffs.add_quote").post(
        reverse(url), body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.parametrize("month", ["0000-01", "2024-13", "2024-1", "2024-01\n", "99999-01"])
def test_history_refuses_a_month_that_is_not_a_date(api_client, month):
    response = api_client.get(
        reverse("api:indices:health_history", kwargs={"base_year": 2013}), {"from": month}
    )

    assert response.status_code == 400
    assert response.json()["fields"][0]["field"] == "from"


@pytest.mark.parametrize("debug", [False, True], ids=["production", "make run"])
@pytest.mark.parametrize("path", ["/api/v1/ping", "/admin/"])
def test_disallowed_host_is_a_json_error(client, settings, debug, path):
    # In production the HTTPS redirect reads the Host of every request; under `make run` DEBUG
    # is on, where Django would answer its HTML debug page.
    settings.DEBUG = debug
    settings.SECURE_SSL_REDIRECT = not debug
    settings.ALLOWED_HOSTS = ["api.broker.example"]

    response = client.get(path, headers={"host": "evil.example"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "disallowed_host"


def test_resolve_bounds_the_brand_like_quotes_do(api_client):
    response = api_client.get(
        reverse("api:strategies:resolve"), {"brand": "x" * 20_000, "fuel": "petrol"}
    )

    assert response.status_code == 400
    assert response.json()["fields"][0]["field"] == "brand"
    assert "x" * 100 not in response.content.decode()


@pytest.mark.parametrize(
    "url", ["api:zipcodes:list", "api:strategies:rules", "api:mlmodels:models"]
)
@pytest.mark.parametrize("page", ["0", "-1", "two"])
def test_list_refuses_a_page_that_is_not_a_positive_number(api_client, url, page):
    response = api_client.get(reverse(url), {"page": page})

    assert response.status_code == 400
    assert response.json()["fields"][0]["field"] == "page"


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("api:zipcodes:list", "risk_class"),
        ("api:strategies:rules", "fuel"),
        ("api:mlmodels:models", "task"),
    ],
)
def test_list_refuses_an_empty_filter(api_client, url, name):
    response = api_client.get(reverse(url), {name: ""})

    assert response.status_code == 400
    assert response.json()["fields"][0]["field"] == name
