"""The tariff's API: quotes (201, stored, JSON errors, query budget) and their repricing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from strategies.models import PricingRule
from strategies.tests.fixtures import rule_end
from tariffs.models import Quote
from tariffs.tests.fixtures import QUOTE
from zipcodes.services import zipcode_load_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def quoter(make_api_client):
    return make_api_client("tariffs.add_quote")


def test_quote_returns_201_with_premium_and_breakdown(quoter, quoting):
    response = quoter.post(reverse("api:tariffs:quotes"), QUOTE, format="json")

    body = response.json()
    assert response.status_code == 201
    assert body["currency"] == "EUR"
    assert [step["step"] for step in body["breakdown"]] == [
        "expected_claim_cost",
        "zone",
        "strategy",
        "indexation",
        "loading",
        "fee",
        "minimum",
    ]
    assert body["premium"] == body["breakdown"][-1]["amount"]
    stored = quoter.get(reverse("api:tariffs:quote", kwargs={"quote_id": body["id"]})).json()
    assert stored == body


def test_quote_needs_permission(api_client, quoting):
    assert api_client.post(reverse("api:tariffs:quotes"), QUOTE, format="json").status_code == 403


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"zipcode": 999}, 400, "invalid", "zipcode"),
        ({"zipcode": 4000}, 404, "zipcode_not_found", "zipcode"),
        (
            {"vehicle": {**QUOTE["vehicle"], "fuel": "electric"}},
            400,
            "fuel_not_modelled",
            "vehicle.fuel",
        ),
        ({"vehicle": {**QUOTE["vehicle"], "fuel": "steam"}}, 400, "unknown_fuel", "fuel"),
        ({"driver": {"age": 35, "bonus_malus": 23}}, 400, "invalid", "driver.bonus_malus"),
        ({"coverage": "ALL"}, 400, "invalid", "coverage"),
    ],
)
def test_quote_returns_json_errors(quoter, quoting, change, status, code, field):
    response = quoter.post(reverse("api:tariffs:quotes"), {**QUOTE, **change}, format="json")

    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["fields"][0]["field"] == field


def test_quote_retried_with_its_idempotency_key_returns_the_first_quote(quoter, quoting):
    url = reverse("api:tariffs:quotes")
    first = quoter.post(url, QUOTE, format="json", headers={"Idempotency-Key": "order-17"})
    retry = quoter.post(url, QUOTE, format="json", headers={"Idempotency-Key": "order-17"})
    other_body = quoter.post(
        url,
        {**QUOTE, "zipcode": 1000, "fleet": True},
        format="json",
        headers={"Idempotency-Key": "order-17"},
    )

    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json() == first.json()
    assert Quote.objects.count() == 1
    assert (other_body.status_code, other_body.json()["code"]) == (422, "idempotency_key_reused")


def test_quotes_without_idempotency_key_are_each_new(quoter, quoting):
    url = reverse("api:tariffs:quotes")

    assert quoter.post(url, QUOTE, format="json").status_code == 201
    assert quoter.post(url, QUOTE, format="json").status_code == 201
    assert Quote.objects.count() == 2


@pytest.mark.parametrize(
    ("quote_date", "code"),
    [("2019-12-31", "date_before_first_tariff"), ("2031-01-01", "date_beyond_horizon")],
)
def test_quote_refuses_a_date_outside_the_known_tariffs(quoter, quoting, quote_date, code):
    response = quoter.post(
        reverse("api:tariffs:quotes"), {**QUOTE, "date": quote_date}, format="json"
    )

    assert (response.status_code, response.json()["code"]) == (400, code)
    assert response.json()["fields"][0]["field"] == "date"


def test_quote_returns_503_without_production_model(
    quoter, demo_history, tariff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        zipcode_load_csv(lines=["1000,C"])

    response = quoter.post(reverse("api:tariffs:quotes"), QUOTE, format="json")

    assert (response.status_code, response.json()["code"]) == (503, "no_production_model")


def test_quote_on_warm_cache_makes_one_write_and_no_read(
    quoter, quoting, django_assert_num_queries
):
    quoter.post(reverse("api:tariffs:quotes"), QUOTE, format="json")

    with django_assert_num_queries(1):
        assert quoter.post(reverse("api:tariffs:quotes"), QUOTE, format="json").status_code == 201


def test_reprice_reproduces_the_stored_quote_and_prices_it_with_todays_tables(
    quoter, quoting, api_client, django_capture_on_commit_callbacks
):
    stored = quoter.post(reverse("api:tariffs:quotes"), QUOTE, format="json").json()
    with django_capture_on_commit_callbacks(execute=True):  # the campaign ended since
        rule_end(PricingRule.objects.get(), last_day=date.today() - timedelta(days=1))

    response = api_client.post(reverse("api:tariffs:reprice", args=[stored["id"]]))

    body = response.json()
    assert response.status_code == 200
    assert body["quote"] == stored
    assert body["reproducible"] is True
    assert body["reproduced"]["premium"] == stored["premium"]
    assert body["reproduced"]["breakdown"] == stored["breakdown"]  # steps, and what each used
    assert body["today"]["breakdown"][2]["uses"]["rule"] is None  # no rule applies any more
    today = Decimal(body["today"]["premium"])
    assert Decimal(body["change_percent"]) == (
        (today / Decimal(stored["premium"]) - 1) * 100
    ).quantize(Decimal("0.01"))
    assert today > Decimal(stored["premium"])  # the -8 % is gone


def test_reprice_of_an_unknown_quote_is_a_404(api_client):
    response = api_client.post(reverse("api:tariffs:reprice", args=[999]))

    assert response.status_code == 404
    assert response.json()["code"] == "quote_not_found"
