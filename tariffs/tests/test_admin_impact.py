"""Simulating in the admin: a draft rule, its analysis, approving it with the analysis beside."""

import pytest
from django.urls import reverse
from django.utils import translation

from pricing_site.numbers import euros
from strategies.models import PricingRule
from strategies.tests.fixtures import rule
from tariffs.models import ImpactAnalysis

pytestmark = pytest.mark.django_db


def simulate(client, capture, changelist: str, pk: int):
    """Run the action; the analysis runs once the request committed; open its page."""
    with capture(execute=True):
        started = client.post(
            reverse(f"admin:{changelist}"),
            {"action": "simulate_impact", "_selected_action": [pk]},
        )
    assert started.status_code == 302, started.content.decode()[:500]
    return client.get(started["Location"])


def test_a_new_rule_is_a_draft_simulated_then_approved_with_its_analysis_beside_the_button(
    editor, second_editor, book, django_capture_on_commit_callbacks
):
    editor.post(
        reverse("admin:strategies_pricingrule_add"),
        {
            "fuel": "diesel",
            "adjustment_percent": "-10",
            "valid_from": "01/01/2026",
            "valid_to": "",
            "is_active": "on",
            "state": "draft",
            "note": "",
        },
    )
    draft = PricingRule.objects.get(fuel="diesel")
    assert draft.state == "draft"

    page = simulate(
        editor, django_capture_on_commit_callbacks, "strategies_pricingrule_changelist", draft.pk
    ).content.decode()
    analysis = ImpactAnalysis.objects.get()
    assert analysis.state == "done"
    assert 'id="impact-totals"' in page
    assert 'id="impact-histogram"' in page

    approval = editor.get(
        reverse("admin:strategies_pricingrule_approve", args=[draft.pk]),
        headers={"accept-language": "nl"},
    )
    assert 'id="draft-impact"' in approval.content.decode()
    with translation.override("nl"):  # € 1.234,56, on one line
        before, after = (euros(analysis.result[key]) for key in ("total_before", "total_after"))
    assert f"{before} → {after}" in approval.content.decode()
    refused = editor.post(
        reverse("admin:strategies_pricingrule_approve", args=[draft.pk]), follow=True
    )
    assert "four eyes" in refused.content.decode()  # its author cannot approve it
    assert PricingRule.objects.get(pk=draft.pk).state == "draft"
    with django_capture_on_commit_callbacks(execute=True):
        second_editor.post(reverse("admin:strategies_pricingrule_approve", args=[draft.pk]))
    assert PricingRule.objects.get(pk=draft.pk).state == "approved"


def test_a_rule_that_moves_no_policy_says_why_on_its_analysis_and_beside_the_button(
    editor, book, django_capture_on_commit_callbacks
):
    draft = rule(fuel="hybrid", percent="-5", state="draft")

    page = simulate(
        editor, django_capture_on_commit_callbacks, "strategies_pricingrule_changelist", draft.pk
    ).content.decode()
    approval = editor.get(
        reverse("admin:strategies_pricingrule_approve", args=[draft.pk])
    ).content.decode()

    why = f"Rule #{draft.pk} is for Hybrid: no policy of the portfolio has that fuel."
    assert "This scenario changes no premium of the portfolio" in page
    assert why in page
    assert why in approval


def test_approving_a_rule_never_simulated_says_so(editor, book):
    draft = rule(fuel="diesel", percent="-10", state="draft")

    page = editor.get(reverse("admin:strategies_pricingrule_approve", args=[draft.pk]))

    assert 'id="draft-not-simulated"' in page.content.decode()


def test_the_analysis_downloads_per_policy_as_csv_and_as_a_report(
    editor, book, django_capture_on_commit_callbacks
):
    draft = rule(fuel="diesel", percent="-10", state="draft")
    simulate(
        editor, django_capture_on_commit_callbacks, "strategies_pricingrule_changelist", draft.pk
    )
    analysis = ImpactAnalysis.objects.get()

    csv = editor.get(reverse("admin:tariffs_impactanalysis_csv", args=[analysis.pk]))
    report = editor.get(reverse("admin:tariffs_impactanalysis_report", args=[analysis.pk]))

    lines = b"".join(csv.streaming_content).decode().splitlines()
    assert csv["Content-Disposition"].startswith("attachment")
    assert len(lines) == 3001
    assert report["Content-Disposition"] == (
        f'attachment; filename="impact-analysis-{analysis.pk}.html"'
    )
    assert 'id="impact-movers"' in report.content.decode()


def test_a_model_version_and_a_zoning_proposal_are_simulated_from_their_pages(
    admin_client, book, production_tariff, train, django_capture_on_commit_callbacks
):
    from tariffs.services import zoning_proposal_create

    candidate = train(estimator="glm")
    simulate(
        admin_client,
        django_capture_on_commit_callbacks,
        "mlmodels_modelversion_changelist",
        candidate.pk,
    )
    proposal = zoning_proposal_create(dataset=book, background=False)
    simulate(
        admin_client,
        django_capture_on_commit_callbacks,
        "tariffs_zoningproposal_changelist",
        proposal.pk,
    )

    scenarios = [a.scenario for a in ImpactAnalysis.objects.order_by("pk")]
    assert scenarios[0]["frequency_model"] == candidate.pk
    assert scenarios[1]["zoning_proposal"] == proposal.pk
    assert {a.state for a in ImpactAnalysis.objects.all()} == {"done"}


def test_an_unknown_analysis_is_a_404(editor):
    assert editor.get(reverse("admin:tariffs_impactanalysis_change", args=[999])).status_code == 404


def test_a_draft_tariff_version_is_simulated_then_approved_and_only_then_in_force(
    editor, book, tariff, django_capture_on_commit_callbacks
):
    from datetime import date
    from decimal import Decimal

    from tariffs.models import TariffVersion
    from tariffs.selectors import tariff_get_current
    from tariffs.services import tariff_version_create

    draft = tariff_version_create(
        version=TariffVersion(
            reference_base_year=2013,
            reference_month=date(2025, 1, 1),
            commercial_loading=Decimal("0.300"),
            policy_fee=Decimal("30.00"),
            minimum_premium=Decimal("150.00"),
            valid_from=date(2026, 1, 1),
            state="draft",
        )
    )
    assert tariff_get_current(on=date(2026, 6, 1)).id == tariff.pk

    simulate(
        editor, django_capture_on_commit_callbacks, "tariffs_tariffversion_changelist", draft.pk
    )
    approval = editor.get(reverse("admin:tariffs_tariffversion_approve", args=[draft.pk]))
    assert 'id="draft-impact"' in approval.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(reverse("admin:tariffs_tariffversion_approve", args=[draft.pk]))

    assert tariff_get_current(on=date(2026, 6, 1)).id == draft.pk
    history = editor.get(reverse("admin:tariffs_tariffversion_history", args=[draft.pk]))
    assert "Approved: quotes use it from 01/01/2026." in history.content.decode()
