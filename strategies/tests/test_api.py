"""The strategies API: rules, and which rule applies."""

from datetime import date

import pytest
from django.urls import reverse

from strategies.tests.fixtures import rule

pytestmark = pytest.mark.django_db


def test_rules_filter_by_brand_alias_fuel_and_date(api_client, brands):
    vw = rule(
        brands["volkswagen"], percent="5", valid_from=date(2026, 1, 1), valid_to=date(2026, 6, 30)
    )
    rule(brands["toyota"], fuel="diesel", percent="-8")

    by_alias = api_client.get(reverse("api:strategies:rules"), {"brand": "vw"}).json()
    by_date = api_client.get(reverse("api:strategies:rules"), {"date": "2026-07-01"}).json()

    assert [r["id"] for r in by_alias["results"]] == [vw.pk]
    assert by_alias["results"][0]["brand"] == "Volkswagen"
    assert [r["brand"] for r in by_date["results"]] == ["Toyota"]


def test_resolve_explains_which_rule_applies(api_client, brands):
    toyota = rule(brands["toyota"], percent="3")

    body = api_client.get(
        reverse("api:strategies:resolve"),
        {"brand": "TOYOTA", "fuel": "petrol", "date": "2026-11-24"},
    ).json()

    assert body["rule"]["id"] == toyota.pk
    assert body["level"] == "brand"
    assert body["adjustment_percent"] == "3.00"


def test_resolve_returns_400_for_unknown_fuel(api_client):
    response = api_client.get(reverse("api:strategies:resolve"), {"fuel": "steam"})

    assert response.status_code == 400
    assert response.json()["fields"][0]["field"] == "fuel"
