"""Zoning proposals: computed as drafts, applied only on approval, in one transaction."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F

from mlmodels.services import dataset_create
from mlmodels.synthetic import portfolio_generate
from pricing_site.exceptions import ConflictError
from tariffs.models import ZoningProposal
from tariffs.selectors import zoning_version_get_current
from tariffs.services import zoning_proposal_approve, zoning_proposal_create
from tariffs.services.zoning import zoning_map_png
from zipcodes.models import RiskClass, Zipcode
from zipcodes.selectors import zipcode_risk_class_get

pytestmark = pytest.mark.django_db


def test_zoning_proposal_create_changes_nothing_before_approval(real_table, portfolio_dataset):
    before = dict(Zipcode.objects.values_list("code", "risk_class_id"))
    factors = dict(RiskClass.objects.values_list("code", "factor"))

    proposal = zoning_proposal_create(dataset=portfolio_dataset)

    assert proposal.state == ZoningProposal.State.DRAFT
    assert proposal.zipcodes.count() == len(before)
    assert [row["risk_class"] for row in proposal.summary["classes"]] == ["A", "B", "C"]
    assert zoning_map_png(proposal=proposal)
    assert dict(Zipcode.objects.values_list("code", "risk_class_id")) == before
    assert dict(RiskClass.objects.values_list("code", "factor")) == factors
    assert zoning_version_get_current() is None


def test_zoning_proposal_places_every_postcode_the_data_does_not_by_the_table(real_table):
    frame = portfolio_generate(rows=8000, seed=5).drop(columns=["long", "lat"])
    dataset = dataset_create(content=frame.to_csv(index=False).encode(), name="no-coordinates.csv")[
        0
    ]

    proposal = zoning_proposal_create(dataset=dataset)

    assert not proposal.zipcodes.filter(longitude__isnull=True).exists()
    brussels = proposal.zipcodes.get(code=1000)
    assert (brussels.longitude, brussels.latitude) == (4.34878, 50.85045)


def test_zoning_proposal_approve_applies_classes_factors_history_and_clears_cache(
    real_table, portfolio_dataset, approver, django_capture_on_commit_callbacks
):
    proposal = zoning_proposal_create(dataset=portfolio_dataset)
    moved = proposal.zipcodes.exclude(proposed_class=F("current_class")).first()
    zipcode_risk_class_get(code=moved.code)  # cached with today's class

    with django_capture_on_commit_callbacks(execute=True):
        zoning_proposal_approve(proposal=proposal, approved_by=approver, reason="Test set-up.")

    proposed = dict(proposal.zipcodes.values_list("code", "proposed_class"))
    assert dict(Zipcode.objects.values_list("code", "risk_class_id")) == proposed
    for code, factor in proposal.factors.items():
        assert RiskClass.objects.get(code=code).factor == Decimal(str(factor)).quantize(
            Decimal("0.01")
        )
    assert Zipcode.history.filter(code=moved.code).count() == 2
    assert zipcode_risk_class_get(code=moved.code).risk_class == moved.proposed_class
    assert zoning_version_get_current() == proposal.pk


def test_zoning_proposal_approve_refuses_a_proposal_twice(real_table, portfolio_dataset, approver):
    proposal = zoning_proposal_create(dataset=portfolio_dataset)
    zoning_proposal_approve(proposal=proposal, approved_by=approver, reason="Test set-up.")

    with pytest.raises(ConflictError):
        zoning_proposal_approve(proposal=proposal, approved_by=approver, reason="Test set-up.")


def test_zoning_proposal_create_in_background_computes_the_draft_after_commit(
    real_table, portfolio_dataset, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = zoning_proposal_create(dataset=portfolio_dataset, background=True)

    proposal.refresh_from_db()
    assert proposal.state == ZoningProposal.State.DRAFT  # eager in tests: ran on commit


def test_derive_zones_command_approves_when_asked(real_table, tmp_path, approver):
    data = tmp_path / "portfolio.csv"
    portfolio_generate(rows=8000, seed=5).to_csv(data, index=False)
    out = StringIO()

    call_command(
        "derive_zones",
        "--data",
        str(data),
        "--approve",
        "--approved-by",
        "approver",
        "--reason",
        "The first zoning.",
        stdout=out,
    )

    assert "approved and applied" in out.getvalue()
    assert "class C: factor" in out.getvalue()
    assert ZoningProposal.objects.get().state == ZoningProposal.State.APPROVED
