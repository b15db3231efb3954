"""Impact analyses on hand-checkable scenarios: a fee, a draft rule, the same model, zones."""

from datetime import date
from decimal import Decimal

import pytest

from mlmodels.models import ModelVersion, Task
from pricing_site.exceptions import ApplicationError, NotFoundError
from strategies.models import PricingRule
from strategies.tests.fixtures import rule
from tariffs.models import ImpactAnalysis, TariffVersion
from tariffs.services import (
    Scenario,
    impact_analysis_create,
    model_version_scenario,
    tariff_version_create,
)

pytestmark = pytest.mark.django_db

ON = date(2026, 11, 24)


def analyse(dataset, scenario, capture) -> ImpactAnalysis:
    with capture(execute=True):
        analysis = impact_analysis_create(dataset_id=dataset.pk, scenario=scenario, on=ON)
    analysis.refresh_from_db()
    assert analysis.state == ImpactAnalysis.State.DONE, analysis.error
    return analysis


def test_a_higher_policy_fee_adds_exactly_that_fee_to_every_premium(
    book, tariff, django_capture_on_commit_callbacks
):
    TariffVersion.objects.filter(pk=tariff.pk).update(minimum_premium=Decimal("0"))
    higher_fee = tariff_version_create(
        version=TariffVersion(
            reference_base_year=tariff.reference_base_year,
            reference_month=tariff.reference_month,
            commercial_loading=tariff.commercial_loading,
            policy_fee=tariff.policy_fee + 10,
            minimum_premium=Decimal("0"),
            valid_from=date(2027, 1, 1),
        )
    )

    result = analyse(
        book, Scenario(tariff_version=higher_fee.pk), django_capture_on_commit_callbacks
    ).result

    assert result["priced"] == result["policies"] == 3000
    assert Decimal(result["change"]) == Decimal("10.00") * 3000
    assert {mover["steps_after"]["fee"] for mover in result["movers"]} == {
        str(Decimal(mover["steps_before"]["fee"]) + 10) for mover in result["movers"]
    }


def test_a_draft_diesel_rule_moves_diesel_premiums_only(book, django_capture_on_commit_callbacks):
    draft = rule(fuel="diesel", percent="-10", state="draft")

    analysis = analyse(book, Scenario(rules=(draft.pk,)), django_capture_on_commit_callbacks)

    by_fuel = {group["value"]: group for group in analysis.result["by"]["fuel"]}
    assert by_fuel["gasoline"]["change_percent"] == 0
    assert -10.5 < by_fuel["diesel"]["change_percent"] < -5  # fees and minimums dilute it
    assert analysis.result["moved_more_than"]["25"] == 0
    lines = analysis.policies_csv.read().decode().splitlines()
    assert lines[0] == "line,postcode,fuel,brand,premium_before,premium_after,change_percent"
    assert len(lines) == 3001
    assert PricingRule.objects.get(pk=draft.pk).state == "draft"  # nothing went live


def test_the_production_models_as_candidates_change_nothing(
    book, production_tariff, django_capture_on_commit_callbacks
):
    scenario = Scenario(
        frequency_model=production_tariff["frequency"].pk,
        severity_model=production_tariff["severity"].pk,
    )

    result = analyse(book, scenario, django_capture_on_commit_callbacks).result

    assert result["change"] == "0.00"
    assert result["total_before"] == result["total_after"]
    assert sum(bucket["policies"] for bucket in result["histogram"]) == 3000
    assert result["loss_ratio"]["before"] == result["loss_ratio"]["after"] > 0


def test_an_earlier_index_month_lowers_every_premium_above_the_minimum(
    book, django_capture_on_commit_callbacks
):
    result = analyse(
        book, Scenario(index_month=date(2025, 6, 1)), django_capture_on_commit_callbacks
    ).result

    assert Decimal(result["change"]) < 0
    assert all(group["change_percent"] <= 0 for group in result["by"]["zone"])


def test_a_scenario_naming_an_unknown_rule_is_refused_before_anything_is_queued(book):
    with pytest.raises(NotFoundError) as refused:
        impact_analysis_create(dataset_id=book.pk, scenario=Scenario(rules=(999,)), on=ON)

    assert (refused.value.code, refused.value.fields[0]["field"]) == (
        "rule_not_found",
        "scenario.rules",
    )
    assert not ImpactAnalysis.objects.exists()


def test_a_draft_rule_is_not_used_by_quotes_until_approved(
    book, approver, django_capture_on_commit_callbacks
):
    from strategies.selectors import pricing_rule_resolve
    from strategies.services import pricing_rule_approve

    draft = rule(fuel="diesel", percent="-10", state="draft")
    assert pricing_rule_resolve(brand=None, fuel="diesel", on=ON).adjustment_percent == 0

    default = PricingRule.objects.get(fuel="", brand=None)
    with django_capture_on_commit_callbacks(execute=True):
        pricing_rule_approve(rule=draft, approved_by=approver, reason="Test set-up.")

    assert pricing_rule_resolve(brand=None, fuel="diesel", on=ON).adjustment_percent == -10
    assert pricing_rule_resolve(brand=None, fuel="petrol", on=ON).rule.id == default.pk


def test_impact_analysis_through_the_api_is_queued_then_read_with_its_result(
    book, make_api_client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    client = make_api_client("tariffs.add_impactanalysis")
    draft = rule(fuel="diesel", percent="-10", state="draft")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("api:tariffs:impact_analyses"),
            {"dataset": book.pk, "date": "2026-11-24", "scenario": {"rules": [draft.pk]}},
            format="json",
        )

    assert response.status_code == 202
    assert response.json()["state"] == "queued"
    read = client.get(response.headers["Location"]).json()
    assert read["state"] == "done"
    assert read["result"]["priced"] == 3000


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        (
            {"dataset": 999, "scenario": {"index_month": "2025-06"}},
            404,
            "dataset_not_found",
            "dataset",
        ),
        ({"scenario": {"index_month": "2025-06"}}, 400, "invalid", "dataset"),
        ({"dataset": "BOOK", "scenario": {}}, 400, "empty_scenario", "scenario"),
        (
            {"dataset": "BOOK", "scenario": {"index_month": "06/2025"}},
            400,
            "invalid",
            "scenario.index_month",
        ),
        (
            {"dataset": "BOOK", "scenario": {"frequency_model": 999}},
            404,
            "model_not_found",
            "scenario.frequency_model",
        ),
    ],
)
def test_impact_analysis_api_refuses_a_bad_request_naming_the_field(
    book, make_api_client, body, status, code, field
):
    from django.urls import reverse

    if body.get("dataset") == "BOOK":
        body = {**body, "dataset": book.pk}
    client = make_api_client("tariffs.add_impactanalysis")

    response = client.post(reverse("api:tariffs:impact_analyses"), body, format="json")

    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["fields"][0]["field"] == field


def test_impact_analysis_needs_its_permission(book, api_client):
    from django.urls import reverse

    response = api_client.post(
        reverse("api:tariffs:impact_analyses"),
        {"dataset": book.pk, "scenario": {"index_month": "2025-06"}},
        format="json",
    )

    assert response.status_code == 403


def test_a_draft_starting_later_is_priced_on_its_start_and_wins_over_todays_rule(
    book, django_capture_on_commit_callbacks
):
    rule(fuel="diesel", percent="-8", valid_from=date(2026, 1, 1))
    draft = rule(fuel="diesel", percent="-12", valid_from=date(2027, 3, 1), state="draft")

    with django_capture_on_commit_callbacks(execute=True):
        analysis = impact_analysis_create(dataset_id=book.pk, scenario=Scenario(rules=(draft.pk,)))
    analysis.refresh_from_db()

    assert analysis.on == date(2027, 3, 1)
    by_fuel = {group["value"]: group for group in analysis.result["by"]["fuel"]}
    assert by_fuel["gasoline"]["change_percent"] == 0
    assert by_fuel["diesel"]["change_percent"] < 0  # -12 % instead of -8 %


def test_a_chunk_reads_and_prices_exactly_its_own_policies(book):
    from tariffs.services.impact import impact_chunk_price

    analysis = ImpactAnalysis.objects.create(
        dataset=book, on=ON, scenario=Scenario(index_month=date(2025, 6, 1)).to_json()
    )
    whole = impact_chunk_price(analysis_id=analysis.pk, start=0, stop=3000)

    part = impact_chunk_price(analysis_id=analysis.pk, start=1000, stop=1500)

    assert part["before"] == whole["before"][1000:1500]
    assert part["after"] == whole["after"][1000:1500]


def test_a_rule_that_applies_to_no_policy_says_why(
    book, brands, django_capture_on_commit_callbacks
):
    peugeot_hybrid = rule(brands["toyota"], fuel="hybrid", percent="-10", state="draft")
    hybrid = rule(fuel="hybrid", percent="-5", state="draft")
    later = rule(fuel="diesel", percent="3", valid_from=date(2030, 1, 1), state="draft")

    result = analyse(
        book, Scenario(rules=(peugeot_hybrid.pk, hybrid.pk)), django_capture_on_commit_callbacks
    ).result
    reasons = {entry["rule"]: entry["why"] for entry in result["rules_not_applied"]}
    scheduled = analyse(book, Scenario(rules=(later.pk,)), django_capture_on_commit_callbacks)
    later_reason = scheduled.result["rules_not_applied"][0]

    assert Decimal(result["change"]) == 0
    # The generated portfolio has no brand column, and only petrol and diesel cars.
    assert reasons == {peugeot_hybrid.pk: "no_brand_column", hybrid.pk: "no_policy_with_fuel"}
    # Priced on the date asked for, before the rule starts.
    assert (later_reason["rule"], later_reason["why"]) == (later.pk, "not_in_force")


def test_bonus_malus_bands_are_listed_in_the_order_of_their_numbers(
    book, django_capture_on_commit_callbacks
):
    draft = rule(fuel="diesel", percent="-10", state="draft")
    result = analyse(book, Scenario(rules=(draft.pk,)), django_capture_on_commit_callbacks).result

    bands = [group["value"] for group in result["by"]["bonus_malus_band"]]
    assert bands == sorted(bands, key=lambda band: int(band.split("-")[0]))


@pytest.mark.parametrize(
    ("task", "scenario"),
    [
        (Task.CLAIM_FREQUENCY, Scenario(frequency_model=7)),
        (Task.CLAIM_SEVERITY, Scenario(severity_model=7)),
    ],
)
def test_a_premium_model_is_simulated_in_place_of_its_tasks_production_model(task, scenario):
    assert model_version_scenario(version=ModelVersion(pk=7, task=task)) == scenario


def test_a_claim_probability_model_prices_no_premium_to_simulate():
    version = ModelVersion(pk=7, task=Task.CLAIM_PROBABILITY)

    with pytest.raises(ApplicationError) as refused:
        model_version_scenario(version=version)

    assert refused.value.code == "not_a_premium_model"
