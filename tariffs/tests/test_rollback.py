"""Restoring the previous state from the change log: a draft that undoes the change, approved
like any other by a second person, gives back exactly the premiums of before."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from mlmodels.services import model_version_promote
from mlmodels.tests.fixtures import promote
from pricing_site.exceptions import ApplicationError
from strategies.models import DraftState, PricingRule
from strategies.selectors import pricing_rule_in_force
from strategies.services import pricing_rule_approve, pricing_rule_end_approve
from strategies.tests.fixtures import rule, rule_end
from tariffs.models import TariffChange, TariffVersion, ZoningProposal
from tariffs.services import (
    premium_quote,
    tariff_change_rollback,
    tariff_version_approve,
    tariff_version_create,
    zoning_proposal_approve,
    zoning_proposal_create,
)
from tariffs.tests.fixtures import quote_request as shared_quote_request
from zipcodes.models import RiskClass, Zipcode

pytestmark = pytest.mark.django_db

REQUESTS = [
    {"driver_age": 19, "bonus_malus": 11, "power_kw": 55, "coverage": "TPL"},
    {"driver_age": 35, "bonus_malus": 2, "power_kw": 85, "coverage": "TPL+"},
    {"driver_age": 52, "bonus_malus": 0, "power_kw": 120, "coverage": "TPL++"},
    {"driver_age": 78, "bonus_malus": 4, "power_kw": 70, "coverage": "TPL"},
]


def quote_request(**changes):
    """The quote of *changes* asked for today, when the rolled-back versions are in force."""
    return shared_quote_request(date=timezone.localdate(), **changes)


def new_terms(author) -> TariffVersion:
    return tariff_version_create(
        version=TariffVersion(
            reference_base_year=2013,
            reference_month=date(2025, 1, 1),
            commercial_loading=Decimal("0.400"),
            policy_fee=Decimal("40.00"),
            minimum_premium=Decimal("200.00"),
            valid_from=timezone.localdate(),
        ),
        created_by=author,
    )


def test_rolling_back_a_tariff_version_restores_the_premiums_of_stored_quotes(
    quoting, anna, bruno, django_capture_on_commit_callbacks
):
    stored = [premium_quote(request=quote_request(**changes)) for changes in REQUESTS]
    raised = new_terms(anna)
    with django_capture_on_commit_callbacks(execute=True):  # quotes read the versions cached
        tariff_version_approve(version=raised, approved_by=bruno, reason="Renewal terms.")
    assert [premium_quote(request=quote_request(**c)).premium for c in REQUESTS] != [
        quote.premium for quote in stored
    ]
    change = TariffChange.objects.get(kind="tariff_version_approved", object_id=raised.pk)

    rollback = tariff_change_rollback(change=change, requested_by=anna)
    draft = TariffVersion.objects.get(pk=rollback.id)
    assert (rollback.kind, draft.state, draft.created_by) == ("tariff_version", "draft", anna)
    with pytest.raises(ApplicationError, match="four eyes"):
        tariff_version_approve(version=draft, approved_by=anna, reason="Undo.")
    with django_capture_on_commit_callbacks(execute=True):
        tariff_version_approve(version=draft, approved_by=bruno, reason="The renewal terms erred.")

    again = [premium_quote(request=quote_request(**changes)).premium for changes in REQUESTS]
    assert again == [quote.premium for quote in stored]


def test_a_version_replaced_since_is_not_rolled_back(quoting, anna, bruno):
    first = new_terms(anna)
    tariff_version_approve(version=first, approved_by=bruno, reason="Renewal terms.")
    second = new_terms(anna)
    tariff_version_approve(version=second, approved_by=bruno, reason="Corrected terms.")

    with pytest.raises(ApplicationError) as refused:
        tariff_change_rollback(
            change=TariffChange.objects.get(kind="tariff_version_approved", object_id=first.pk),
            requested_by=anna,
        )

    assert refused.value.code == "rollback_not_possible"


def test_rolling_back_a_zoning_puts_back_every_class_and_factor(
    real_table, portfolio_dataset, anna, bruno
):
    classes = dict(Zipcode.objects.values_list("code", "risk_class_id"))
    factors = dict(RiskClass.objects.values_list("code", "factor"))
    derived = zoning_proposal_create(dataset=portfolio_dataset, created_by=anna)
    zoning_proposal_approve(proposal=derived, approved_by=bruno, reason="First zoning.")
    assert dict(Zipcode.objects.values_list("code", "risk_class_id")) != classes

    rollback = tariff_change_rollback(
        change=TariffChange.objects.get(kind=TariffChange.Kind.ZONING_APPROVED),
        requested_by=bruno,
    )
    draft = ZoningProposal.objects.get(pk=rollback.id)
    assert draft.state == ZoningProposal.State.DRAFT
    assert draft.summary["changed_postcodes"] == derived.summary["changed_postcodes"]
    zoning_proposal_approve(proposal=draft, approved_by=anna, reason="Undo the first zoning.")

    assert dict(Zipcode.objects.values_list("code", "risk_class_id")) == classes
    assert dict(RiskClass.objects.values_list("code", "factor")) == factors


def test_rolling_back_a_promotion_offers_the_retired_version(train, anna, bruno):
    first = promote(train(estimator="glm"))
    second = train(estimator="glm")
    model_version_promote(version=second, promoted_by=bruno, reason="Better.")
    change = TariffChange.objects.get(kind=TariffChange.Kind.MODEL_PROMOTED, object_id=second.pk)

    rollback = tariff_change_rollback(change=change, requested_by=anna)

    assert (rollback.kind, rollback.id) == ("model_version", first.pk)
    with pytest.raises(ApplicationError) as refused:
        tariff_change_rollback(
            change=TariffChange.objects.get(
                kind=TariffChange.Kind.MODEL_PROMOTED, object_id=first.pk
            ),
            requested_by=anna,
        )
    assert refused.value.code == "rollback_not_possible"


def test_rolling_back_a_rule_approval_proposes_its_end_for_another_person(anna, bruno):
    draft = rule(
        fuel="diesel",
        percent="-8",
        valid_from=timezone.localdate() - timedelta(days=30),
        state=DraftState.DRAFT,
    )
    pricing_rule_approve(rule=draft, approved_by=anna, reason="Dealer campaign.")
    change = TariffChange.objects.get(kind="rule_approved", object_id=draft.pk)

    rollback = tariff_change_rollback(change=change, requested_by=anna)

    draft.refresh_from_db()
    yesterday = timezone.localdate() - timedelta(days=1)
    assert (rollback.kind, rollback.id) == ("pricing_rule", draft.pk)
    assert (draft.end_proposed_on, draft.end_proposed_by) == (yesterday, anna)
    with pytest.raises(ApplicationError) as refused:
        pricing_rule_end_approve(rule=draft, approved_by=anna, reason="Undo.")
    assert refused.value.code == "same_author_and_approver"
    pricing_rule_end_approve(rule=draft, approved_by=bruno, reason="Undo change.")
    assert not pricing_rule_in_force(rule=draft, on=timezone.localdate())


def test_rolling_back_a_rule_end_drafts_the_rule_again(anna):
    ended = rule(fuel="diesel", percent="-8", valid_from=timezone.localdate() - timedelta(days=30))
    rule_end(ended, last_day=timezone.localdate())
    change = TariffChange.objects.get(kind="rule_ended", object_id=ended.pk)

    rollback = tariff_change_rollback(change=change, requested_by=anna)

    restored = PricingRule.objects.get(pk=rollback.id)
    assert rollback.kind == "pricing_rule"
    assert (restored.fuel, restored.adjustment_percent, restored.state) == (
        "diesel",
        Decimal("-8"),
        DraftState.DRAFT,
    )
    assert (restored.valid_from, restored.valid_to) == (change.effective_from, None)
    assert restored.changed_by == anna


def test_a_health_index_month_is_not_undone(anna):
    change = TariffChange.objects.create(
        kind=TariffChange.Kind.INDEX_MONTH,
        subject="2013",
        object_id=1,
        effective_from=date(2026, 12, 1),
    )

    with pytest.raises(ApplicationError, match="Statbel") as refused:
        tariff_change_rollback(change=change, requested_by=anna)
    assert refused.value.code == "rollback_not_possible"


def test_admin_button_drafts_the_rollback_and_the_api_answers_it(
    quoting, anna, bruno, client, make_api_client
):
    raised = new_terms(anna)
    tariff_version_approve(version=raised, approved_by=bruno, reason="Renewal terms.")
    change = TariffChange.objects.get(kind="tariff_version_approved", object_id=raised.pk)
    client.force_login(anna)

    page = client.get(reverse("admin:tariffs_tariffchange_change", args=[change.pk]))
    drafted = client.post(reverse("admin:tariffs_tariffchange_rollback", args=[change.pk]))
    refused = make_api_client("tariffs.view_tariffchange").post(
        reverse("api:tariffs:tariff_change_rollback", kwargs={"change_id": change.pk})
    )
    answered = make_api_client("tariffs.view_tariffchange", "tariffs.add_tariffversion").post(
        reverse("api:tariffs:tariff_change_rollback", kwargs={"change_id": change.pk})
    )

    assert 'id="restore-previous"' in page.content.decode()
    draft = TariffVersion.objects.filter(state=DraftState.DRAFT).order_by("pk").first()
    assert drafted["Location"] == reverse("admin:tariffs_tariffversion_change", args=[draft.pk])
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    assert answered.status_code == 201
    assert answered.json()["kind"] == "tariff_version"


def test_restore_change_command_drafts_it_for_a_named_staff_member(quoting, anna, bruno):
    raised = new_terms(anna)
    tariff_version_approve(version=raised, approved_by=bruno, reason="Renewal terms.")
    change = TariffChange.objects.get(kind="tariff_version_approved", object_id=raised.pk)
    out = StringIO()

    with pytest.raises(CommandError, match="no-one"):
        call_command("restore_change", str(change.pk), "--by", "no-one")
    call_command("restore_change", str(change.pk), "--by", "anna", stdout=out)

    draft = TariffVersion.objects.get(state=DraftState.DRAFT)
    assert f"Draft tariff version {draft.pk}" in out.getvalue()
    assert draft.commercial_loading == Decimal("0.250")  # the terms before the change
