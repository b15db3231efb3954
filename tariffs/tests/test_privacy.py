"""Quotes' personal data: generalised after the retention period by the nightly task (on a real
worker), erased on request (command, admin), exported as JSON, and never written to the logs;
an anonymised quote still counts by zone and band, and is not priced again."""

import io
import json
import logging
import time
from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tariffs.models import Quote, QuotePrivacyAction
from tariffs.services.privacy import inputs_generalised, quotes_retention_apply
from tariffs.tests.fixtures import QUOTE

pytestmark = pytest.mark.django_db

PERSONAL_INPUTS = ("zipcode", "driver_age", "power_kw", "bonus_malus")


@pytest.fixture
def quoter(make_api_client):
    return make_api_client("tariffs.add_quote")


def quote(quoter, idempotency_key: str = "", **driver) -> Quote:
    body = {**QUOTE, "driver": {**QUOTE["driver"], **driver}}
    headers = {"HTTP_IDEMPOTENCY_KEY": idempotency_key} if idempotency_key else {}
    answer = quoter.post(reverse("api:tariffs:quotes"), body, format="json", **headers)
    assert answer.status_code == 201, answer.json()
    return Quote.objects.get(pk=answer.json()["id"])


def aged(stored: Quote, *, months: int) -> None:
    Quote.objects.filter(pk=stored.pk).update(
        created_at=timezone.now() - timedelta(days=round(months * 30.5))
    )


def assert_no_personal_data(stored: Quote) -> None:
    stored.refresh_from_db()
    assert stored.anonymised_at is not None
    assert not set(PERSONAL_INPUTS) & stored.inputs.keys()
    assert all("zipcode" not in step["uses"] for step in stored.breakdown)
    assert (stored.idempotency_key, stored.request_fingerprint) == ("", "")


def test_inputs_are_generalised_to_province_and_bands():
    inputs = {"zipcode": 9000, "brand": "toyota", "fuel": "diesel", "power_kw": 85}
    inputs |= {"vehicle_age": 3, "driver_age": 19, "bonus_malus": 11, "coverage": "TPL"}
    inputs |= {"use": "private", "fleet": False, "date": "2025-06-01"}

    generalised = inputs_generalised(inputs, {9000: "East Flanders"})

    assert generalised == {
        "brand": "toyota",
        "fuel": "diesel",
        "vehicle_age": 3,
        "coverage": "TPL",
        "use": "private",
        "fleet": False,
        "date": "2025-06-01",
        "province": "East Flanders",
        "age_band": "17-24",
        "power_band": "75-99",
        "bonus_malus_band": "8-11",
    }


def test_the_retention_task_anonymises_what_is_older_and_keeps_the_premium(quoter, quoting):
    old, recent = quote(quoter, age=41), quote(quoter, age=52)
    aged(old, months=14)
    aged(recent, months=12)
    steps_before = [(step["step"], step["amount"]) for step in old.breakdown]

    action = quotes_retention_apply()

    assert_no_personal_data(old)
    assert (old.premium, [(step["step"], step["amount"]) for step in old.breakdown]) == (
        Quote.objects.get(pk=old.pk).premium,
        steps_before,
    )
    assert old.inputs["age_band"] == "35-49"
    recent.refresh_from_db()
    assert (recent.anonymised_at, recent.inputs["driver_age"]) == (None, 52)
    assert (action.kind, action.quotes) == ("retention", 1)
    totals = Quote.objects.filter(anonymised_at__isnull=False).values(
        "risk_class", "inputs__age_band"
    )
    assert list(totals) == [{"risk_class": "C", "inputs__age_band": "35-49"}]


@pytest.fixture
def risk_classes(transactional_db):
    # A flush after an earlier transactional test removed the risk classes the migration made.
    import_module("zipcodes.migrations.0002_risk_classes").create_risk_classes(apps, None)


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
def test_the_retention_task_runs_on_a_real_worker(risk_classes, quoter, quoting, celery_worker):
    from tariffs.tasks import quotes_retention_apply as task

    old = quote(quoter)
    aged(old, months=14)

    task.delay()

    deadline = time.monotonic() + 60
    while not QuotePrivacyAction.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert QuotePrivacyAction.objects.get().quotes == 1
    assert_no_personal_data(old)


def test_an_anonymised_quote_is_not_priced_again(quoter, quoting, api_client):
    old = quote(quoter)
    aged(old, months=14)
    quotes_retention_apply()

    answer = api_client.post(reverse("api:tariffs:reprice", args=[old.pk]))

    assert answer.status_code == 409
    assert answer.json()["code"] == "quote_anonymised"
    assert api_client.get(reverse("api:tariffs:quote", args=[old.pk])).status_code == 200


@pytest.fixture
def officer(db):
    user = User.objects.create_user("dpo", is_staff=True)
    user.groups.add(Group.objects.get(name="privacy officers"))
    return user


def test_erase_quote_erases_every_quote_of_an_idempotency_key(quoter, quoting, officer):
    mine = quote(quoter, idempotency_key="customer-4711")
    other = quote(quoter, idempotency_key="customer-4712")
    out = io.StringIO()

    call_command(
        "erase_quote",
        "--idempotency-key",
        "customer-4711",
        "--client",
        quoter.user.username,
        "--by",
        "dpo",
        "--reason",
        "Request 2026-118",
        stdout=out,
    )

    assert_no_personal_data(mine)
    other.refresh_from_db()
    assert other.anonymised_at is None
    action = QuotePrivacyAction.objects.get()
    assert (action.kind, action.performed_by, action.detail["reason"]) == (
        "erasure",
        "dpo",
        "Request 2026-118",
    )


def test_the_admin_erases_after_a_confirmation_and_exports_as_json(
    quoter, quoting, officer, client
):
    stored = quote(quoter, age=63)
    client.force_login(officer)
    changelist = reverse("admin:tariffs_quote_changelist")
    selected = {"action": "erase_personal_data", "_selected_action": [stored.pk]}

    exported = client.get(reverse("admin:tariffs_quote_personal_data", args=[stored.pk]))
    confirm = client.post(changelist, selected)
    stored.refresh_from_db()
    assert stored.anonymised_at is None  # not before the second click
    client.post(changelist, {**selected, "confirm": "yes", "reason": "Request 2026-119"})

    data = json.loads(
        b"".join(exported.streaming_content) if exported.streaming else exported.content
    )
    assert exported["Content-Disposition"] == f'attachment; filename="quote-{stored.pk}.json"'
    assert (data["inputs"]["driver_age"], data["premium"]) == (63, str(stored.premium))
    assert 'id="confirm-erasure"' in confirm.content.decode()
    assert_no_personal_data(stored)
    assert set(QuotePrivacyAction.objects.values_list("kind", flat=True)) == {"export", "erasure"}


def test_erasing_takes_the_privacy_officers_right(quoter, quoting, anna, client):
    stored = quote(quoter)
    client.force_login(anna)  # a pricing editor reads quotes, and erases none

    client.post(
        reverse("admin:tariffs_quote_changelist"),
        {"action": "erase_personal_data", "_selected_action": [stored.pk], "confirm": "yes"},
    )

    stored.refresh_from_db()
    assert stored.anonymised_at is None


def test_a_quotes_inputs_never_reach_the_logs(quoter, quoting, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    body = {**QUOTE, "vehicle": {**QUOTE["vehicle"], "brand": "Quuxmobile"}}
    quoter.post(reverse("api:tariffs:quotes"), body, format="json")
    quoter.post(reverse("api:tariffs:quotes"), {**body, "zipcode": "Quuxville"}, format="json")
    monkeypatch.setattr(
        "tariffs.api.views.quote_create",
        lambda **kwargs: (_ for _ in ()).throw(RuntimeError("the pricing failed")),
    )
    failed = quoter.post(reverse("api:tariffs:quotes"), body, format="json")

    logged = "\n".join(record.getMessage() + str(record.__dict__) for record in caplog.records)
    assert failed.status_code == 500
    assert "the pricing failed" in logged  # the error is logged…
    assert "Quux" not in logged  # …never what the customer typed
