"""Four eyes and evidence on every price change: the approver holds the right and is not the
author, the database refuses an entry that says otherwise, and an approval rests on an impact
analysis of the draft as it stands on the current portfolio, or on a written reason."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from mlmodels.services import dataset_create, model_version_promote, model_version_train
from pricing_site.exceptions import ApplicationError, ForbiddenError, UnprocessableError
from strategies.models import DraftState, PricingRule
from strategies.services import pricing_rule_approve, pricing_rule_save
from tariffs.models import ImpactAnalysis, TariffChange, TariffVersion, ZoningProposal
from tariffs.services import (
    tariff_version_approve,
    tariff_version_create,
    zoning_proposal_approve,
)
from tariffs.tests.fixtures import impact_analysed

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(anna):
    return pricing_rule_save(
        rule=PricingRule(
            fuel="diesel",
            adjustment_percent=Decimal("-10"),
            valid_from=date(2026, 12, 1),
            state=DraftState.DRAFT,
        ),
        changed_by=anna,
    )


def refused(approve) -> ApplicationError:
    with pytest.raises(ApplicationError) as raised:
        approve()
    return raised.value


def test_the_author_of_a_rule_cannot_approve_it(draft, anna, dataset):
    impact_analysed({"rules": [draft.pk]}, dataset)

    error = refused(lambda: pricing_rule_approve(rule=draft, approved_by=anna))

    assert isinstance(error, ForbiddenError)
    assert error.code == "same_author_and_approver"
    assert PricingRule.objects.get(pk=draft.pk).state == DraftState.DRAFT
    assert not TariffChange.objects.exists()


def test_whoever_changed_a_draft_is_one_of_its_authors(draft, bruno, django_user_model, dataset):
    draft.note = "Diesel cheaper from December"
    pricing_rule_save(rule=draft, changed_by=bruno)
    impact_analysed({"rules": [draft.pk]}, dataset)

    error = refused(lambda: pricing_rule_approve(rule=draft, approved_by=bruno))

    assert error.code == "same_author_and_approver"


def test_an_approval_needs_a_named_approver_who_holds_the_right(draft, django_user_model, dataset):
    impact_analysed({"rules": [draft.pk]}, dataset)
    reader = django_user_model.objects.create_user("reader", is_staff=True)

    assert refused(lambda: pricing_rule_approve(rule=draft, approved_by=None)).code == (
        "approver_required"
    )
    assert refused(lambda: pricing_rule_approve(rule=draft, approved_by=reader)).code == (
        "approval_not_permitted"
    )


def test_another_editor_approves_with_the_analysis_of_the_draft(draft, bruno, dataset):
    analysis = impact_analysed({"rules": [draft.pk]}, dataset)

    pricing_rule_approve(rule=draft, approved_by=bruno)

    change = TariffChange.objects.get()
    assert (change.drafted_by, change.approved_by, change.approved_alone) == (
        "anna",
        "bruno",
        False,
    )
    assert change.impact["analysis"] == analysis.pk


def test_one_person_approval_when_the_deployment_allows_it_is_marked(
    draft, anna, dataset, settings
):
    settings.PRICING_SINGLE_PERSON_APPROVAL = True
    impact_analysed({"rules": [draft.pk]}, dataset)

    pricing_rule_approve(rule=draft, approved_by=anna)

    change = TariffChange.objects.get()
    assert (change.drafted_by, change.approved_by, change.approved_alone) == (
        "anna",
        "anna",
        True,
    )


def test_the_database_refuses_an_entry_approved_by_its_author_unless_marked():
    entry = {
        "kind": TariffChange.Kind.RULE_APPROVED,
        "subject": "#1",
        "object_id": 1,
        "effective_from": date(2026, 12, 1),
        "drafted_by": "anna",
        "approved_by": "anna",
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        TariffChange.objects.create(**entry)

    assert TariffChange.objects.create(**entry, approved_alone=True).approved_alone


def test_an_approval_without_an_analysis_needs_a_written_reason(draft, bruno):
    error = refused(lambda: pricing_rule_approve(rule=draft, approved_by=bruno))

    assert isinstance(error, UnprocessableError)
    assert (error.code, error.fields[0]["field"]) == ("impact_analysis_required", "reason")
    assert "never simulated" in error.message
    assert PricingRule.objects.get(pk=draft.pk).state == DraftState.DRAFT

    pricing_rule_approve(rule=draft, approved_by=bruno, reason="  Competitor cut diesel by 10 %. ")

    change = TariffChange.objects.get()
    assert change.reason == "Competitor cut diesel by 10 %."
    assert change.impact == {}


def test_an_analysis_of_another_dataset_is_no_evidence(draft, bruno, dataset, portfolio_csv):
    impact_analysed({"rules": [draft.pk]}, dataset)
    dataset_create(content=portfolio_csv.replace(b"\n", b"\r\n"), name="newer.csv")

    error = refused(lambda: pricing_rule_approve(rule=draft, approved_by=bruno))

    assert error.code == "impact_analysis_required"
    assert "another dataset" in error.message


def test_a_draft_changed_after_its_analysis_needs_a_new_one(draft, anna, bruno, dataset):
    analysis = impact_analysed({"rules": [draft.pk]}, dataset)
    ImpactAnalysis.objects.filter(pk=analysis.pk).update(
        created_at=draft.updated_at - timedelta(seconds=1)
    )

    error = refused(lambda: pricing_rule_approve(rule=draft, approved_by=bruno))

    assert error.code == "impact_analysis_required"
    assert "changed after" in error.message


def test_the_author_of_a_tariff_version_cannot_approve_it(tariff, anna, bruno, dataset):
    version = tariff_version_create(
        version=TariffVersion(
            reference_base_year=2013,
            reference_month=date(2025, 1, 1),
            commercial_loading=Decimal("0.300"),
            policy_fee=Decimal("25.00"),
            minimum_premium=Decimal("150.00"),
            valid_from=date(2026, 7, 1),
        ),
        created_by=anna,
    )
    impact_analysed({"tariff_version": version.pk}, dataset)

    assert refused(lambda: tariff_version_approve(version=version, approved_by=anna)).code == (
        "same_author_and_approver"
    )
    tariff_version_approve(version=version, approved_by=bruno)

    assert TariffChange.objects.get(kind=TariffChange.Kind.TARIFF_VERSION_APPROVED).impact


def test_the_author_of_a_zoning_cannot_approve_it(anna, bruno, dataset):
    proposal = ZoningProposal.objects.create(
        dataset=dataset, state=ZoningProposal.State.DRAFT, created_by=anna
    )

    error = refused(
        lambda: zoning_proposal_approve(proposal=proposal, approved_by=anna, reason="Why not.")
    )

    assert error.code == "same_author_and_approver"
    assert ZoningProposal.objects.get(pk=proposal.pk).state == ZoningProposal.State.DRAFT


def test_who_trained_a_model_cannot_promote_it(anna, bruno, dataset):
    version = model_version_train(
        dataset=dataset, task="claim_frequency", estimator="glm", cv=0, trained_by=anna
    )

    error = refused(
        lambda: model_version_promote(version=version, promoted_by=anna, reason="Better.")
    )
    assert error.code == "same_author_and_approver"

    model_version_promote(version=version, promoted_by=bruno, reason="Better.")

    change = TariffChange.objects.get(kind=TariffChange.Kind.MODEL_PROMOTED)
    assert (change.drafted_by, change.approved_by, change.reason) == ("anna", "bruno", "Better.")
