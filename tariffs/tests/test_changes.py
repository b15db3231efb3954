"""The tariff change log: every change that puts prices in force is recorded with its author,
approver, impact and values, and nobody can rewrite or delete an entry."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from indices.clients import HealthIndexObservation
from indices.services import health_index_store
from mlmodels.services import model_version_promote
from mlmodels.tests.fixtures import promote
from strategies.models import DraftState, PricingRule
from strategies.services import (
    pricing_rule_approve,
    pricing_rule_end_approve,
    pricing_rule_end_propose,
    pricing_rule_save,
)
from strategies.tests.fixtures import rule
from tariffs.models import TariffChange, TariffVersion
from tariffs.services import tariff_version_approve, tariff_version_create
from tariffs.tests.fixtures import impact_analysed

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(django_user_model):
    return django_user_model.objects.create_user("anna")


@pytest.fixture
def approver(django_user_model):
    return django_user_model.objects.create_user("bruno", is_staff=True, is_superuser=True)


def test_approving_a_rule_records_author_approver_impact_and_values(author, approver, dataset):
    draft = pricing_rule_save(
        rule=PricingRule(
            fuel="diesel",
            adjustment_percent=Decimal("-10"),
            valid_from=date(2026, 12, 1),
            state=DraftState.DRAFT,
        ),
        changed_by=author,
    )
    analysis = impact_analysed({"rules": [draft.pk]}, dataset)

    pricing_rule_approve(rule=draft, approved_by=approver)

    change = TariffChange.objects.get()
    assert change.kind == TariffChange.Kind.RULE_APPROVED
    assert (change.drafted_by, change.approved_by) == ("anna", "bruno")
    assert change.object_id == draft.pk
    assert change.effective_from == date(2026, 12, 1)
    assert change.impact["analysis"] == analysis.pk
    assert change.impact["change_percent"] == "-2.50"
    assert change.impact["moved_more_than_10_percent"] == 120
    assert change.before == {"state": "draft"}
    assert change.after["adjustment_percent"] == "-10.00"
    assert change.after["state"] == "approved"


def test_ending_an_approved_rule_records_who_proposed_and_approved_it_and_why(author, approver):
    approved = rule(fuel="diesel", percent="-8")
    last_day = timezone.localdate() + timedelta(days=20)

    pricing_rule_end_propose(rule=approved, last_day=last_day, proposed_by=author)
    assert not TariffChange.objects.filter(kind=TariffChange.Kind.RULE_ENDED).exists()
    pricing_rule_end_approve(rule=approved, approved_by=approver, reason="Campaign over.")

    change = TariffChange.objects.get(kind=TariffChange.Kind.RULE_ENDED)
    assert (change.drafted_by, change.approved_by, change.reason) == (
        "anna",
        "bruno",
        "Campaign over.",
    )
    assert change.before == {"valid_to": None, "is_active": True}
    assert change.after == {"valid_to": last_day.isoformat(), "is_active": True}
    assert change.effective_from == last_day + timedelta(days=1)  # out of force from then


def test_editing_a_draft_records_nothing(approver):
    draft = rule(fuel="diesel", percent="-8", state=DraftState.DRAFT)

    draft.valid_to = date(2026, 12, 31)
    pricing_rule_save(rule=draft, changed_by=approver)

    assert not TariffChange.objects.exists()


def test_approving_a_tariff_version_records_the_one_it_replaces(tariff, author, approver):
    draft = tariff_version_create(
        version=TariffVersion(
            reference_base_year=2013,
            reference_month=date(2025, 1, 1),
            commercial_loading=Decimal("0.300"),
            policy_fee=Decimal("25.00"),
            minimum_premium=Decimal("150.00"),
            valid_from=date(2026, 7, 1),
        ),
        created_by=author,
    )

    tariff_version_approve(version=draft, approved_by=approver, reason="The 2026 renewal terms.")

    change = TariffChange.objects.get(kind=TariffChange.Kind.TARIFF_VERSION_APPROVED)
    assert (change.drafted_by, change.approved_by) == ("anna", "bruno")
    assert change.reason == "The 2026 renewal terms."
    assert change.before["version"] == tariff.pk
    assert change.before["commercial_loading"] == "0.250"
    assert change.after["commercial_loading"] == "0.300"
    assert change.impact == {}


def test_promoting_a_model_records_the_version_it_retires(train, approver):
    first = promote(train(estimator="glm"))
    second = train(estimator="glm")

    model_version_promote(version=second, promoted_by=approver, reason="Better on the holdout.")

    change = TariffChange.objects.filter(kind=TariffChange.Kind.MODEL_PROMOTED).first()
    assert change.before == {"task": "claim_frequency", "versions": [first.pk]}
    assert change.after == {"task": "claim_frequency", "versions": [second.pk]}
    assert change.approved_by == "bruno"


@pytest.fixture
def entry():
    rule(fuel="diesel", percent="-8").delete()  # a rule gone since: its entry stays
    return TariffChange.objects.create(
        kind=TariffChange.Kind.RULE_APPROVED,
        subject="#1 diesel: -8,00 %",
        object_id=1,
        effective_from=date(2026, 1, 1),
        approved_by="bruno",
    )


@pytest.mark.parametrize(
    "rewrite",
    [
        lambda entry: TariffChange.objects.filter(pk=entry.pk).update(approved_by="mallory"),
        lambda entry: TariffChange.objects.filter(pk=entry.pk).delete(),
        lambda entry: entry.delete(),
        lambda entry: (setattr(entry, "approved_by", "mallory"), entry.save()),
        lambda entry: connection.cursor().execute(
            "UPDATE tariffs_tariffchange SET approved_by = 'mallory' WHERE id = %s", [entry.pk]
        ),
        lambda entry: connection.cursor().execute(
            "DELETE FROM tariffs_tariffchange WHERE id = %s", [entry.pk]
        ),
    ],
    ids=["orm update", "orm queryset delete", "orm delete", "orm save", "sql update", "sql delete"],
)
def test_the_database_refuses_to_rewrite_or_delete_an_entry(entry, rewrite):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        rewrite(entry)

    assert TariffChange.objects.get(pk=entry.pk).approved_by == "bruno"


def test_the_admin_lists_filters_and_exports_but_never_edits(admin_client, entry):
    changelist = reverse("admin:tariffs_tariffchange_changelist")

    listed = admin_client.get(changelist, {"kind": "rule_approved"})
    page = admin_client.get(reverse("admin:tariffs_tariffchange_change", args=[entry.pk]))
    export = admin_client.post(
        reverse("admin:tariffs_tariffchange_export"),
        {"format": "0", **{f"tariffchangeresource_{name}": "on" for name in ("id", "approved_by")}},
    )

    assert "Pricing rule #1" in listed.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert (
        admin_client.post(
            reverse("admin:tariffs_tariffchange_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0]["approved_by"] == "bruno"
    assert TariffChange.objects.filter(pk=entry.pk).exists()


def test_the_api_lists_the_log_filtered_by_kind_and_day(api_client, entry):
    url = reverse("api:tariffs:tariff_changes")

    body = api_client.get(url, {"kind": "rule_approved", "since": "2020-01-01"}).json()
    none = api_client.get(url, {"kind": "model_promoted"}).json()
    bad = api_client.get(url, {"kind": "everything"})

    assert body["count"] == 1
    assert body["results"][0]["approved_by"] == "bruno"
    assert body["results"][0]["impact"] is None
    assert none["count"] == 0
    assert (bad.status_code, bad.json()["fields"][0]["field"]) == (400, "kind")


def test_the_api_log_needs_a_client(client):
    assert client.get(reverse("api:tariffs:tariff_changes")).status_code == 401


def test_a_new_index_month_records_the_month_quotes_now_use():
    store = [
        HealthIndexObservation(month=date(2026, 9, 1), base_year=2013, value=Decimal("134.10")),
    ]
    health_index_store(observations=store, source="bestat")
    newer = [
        HealthIndexObservation(month=date(2026, 10, 1), base_year=2013, value=Decimal("134.55")),
    ]

    health_index_store(observations=newer, source="bestat")
    health_index_store(observations=newer, source="bestat")  # the same month again: no change

    change = TariffChange.objects.filter(kind=TariffChange.Kind.INDEX_MONTH).first()
    assert TariffChange.objects.filter(kind=TariffChange.Kind.INDEX_MONTH).count() == 2
    assert change.before == {"month": "2026-09", "value": "134.10"}
    assert change.after == {"month": "2026-10", "value": "134.55"}
    assert change.object_id == 2013
