"""Moving the tariff's models into this app loses no row, no key, no permission and no history:
a database at the schema before the move, with data, is migrated and checked."""

from datetime import date
from decimal import Decimal

import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BEFORE = [
    ("strategies", "0009_draft_by_default"),
    ("zipcodes", "0004_verbose_names_translated"),
    ("mlmodels", "0007_verbose_names_translated"),
]
AFTER = [("tariffs", "0002_content_types_moved")]


def model_version(apps, dataset, task):
    return apps.get_model("mlmodels", "ModelVersion").objects.create(
        task=task,
        estimator="glm",
        dataset=dataset,
        dataset_sha256=dataset.sha256,
        artifact=b"x",
        artifact_sha256="0" * 64,
        artifact_signature="0" * 64,
        sklearn_version="1.9.0",
        average_claim_cost=Decimal("1500.00"),
    )


def test_moving_the_tariff_models_keeps_every_row_key_permission_and_history(migrator):
    old = migrator.apply_initial_migration(BEFORE).apps
    user = old.get_model("auth", "User").objects.create(username="pricing-analyst")
    content_type = old.get_model("contenttypes", "ContentType").objects
    quote_type, _ = content_type.get_or_create(app_label="strategies", model="quote")
    for app_label, model in [("zipcodes", "zoningproposal"), ("mlmodels", "tariffevaluation")]:
        content_type.get_or_create(app_label=app_label, model=model)
    add_quote = old.get_model("auth", "Permission").objects.get_or_create(
        content_type=quote_type, codename="add_quote", defaults={"name": "Can add quote"}
    )[0]
    partner = old.get_model("auth", "User").objects.create(username="partner-app")
    partner.user_permissions.add(add_quote)
    group = old.get_model("auth", "Group").objects.create(name="quote readers")
    group.permissions.add(add_quote)
    dataset = old.get_model("mlmodels", "Dataset").objects.create(
        name="portfolio.csv", file="datasets/p.csv", sha256="a" * 64, row_count=3
    )
    frequency = model_version(old, dataset, "claim_frequency")
    severity = model_version(old, dataset, "claim_severity")
    rule = old.get_model("strategies", "PricingRule").objects.create(
        adjustment_percent=Decimal("-8"), valid_from=date(2026, 1, 1), state="approved"
    )
    tariff = old.get_model("strategies", "TariffVersion").objects.create(
        reference_base_year=2013,
        reference_month=date(2025, 1, 1),
        commercial_loading=Decimal("0.250"),
        policy_fee=Decimal("25.00"),
        minimum_premium=Decimal("150.00"),
        valid_from=date(2025, 1, 1),
        state="approved",
        created_by=user,
    )
    quote = old.get_model("strategies", "Quote").objects.create(
        quote_date=date(2026, 11, 3),
        inputs={"zipcode": 1000},
        premium=Decimal("319.98"),
        breakdown=[{"step": "expected_claim_cost"}],
        model_version=frequency,
        frequency=0.12,
        severity_model_version=severity,
        severity=Decimal("1800.00"),
        pricing_rule=rule,
        adjustment_percent=Decimal("-8"),
        risk_class="C",
        zone_factor=Decimal("1.20"),
        index_base_year=2013,
        index_month=date(2026, 10, 1),
        tariff=tariff,
        requested_by=partner,
        idempotency_key="order-1",
    )
    analysis = old.get_model("strategies", "ImpactAnalysis").objects.create(
        dataset=dataset, on=date(2026, 12, 1), scenario={"rules": [rule.pk]}, requested_by=user
    )
    proposal = old.get_model("zipcodes", "ZoningProposal").objects.create(
        dataset=dataset, state="approved", approved_by=user, factors={"A": 0.8}
    )
    old.get_model("zipcodes", "ZoningProposalZipcode").objects.create(
        proposal=proposal,
        code=1000,
        proposed_class="C",
        exposure=10.0,
        claims=2.0,
        expected=1.5,
        smoothed=1.2,
        credibility=0.3,
        source="data",
    )
    evaluation = old.get_model("mlmodels", "TariffEvaluation").objects.create(
        dataset=dataset, state="done", result={"gini": 0.3}, requested_by=user
    )
    old.get_model("admin", "LogEntry").objects.create(
        user=user, content_type=quote_type, object_id=str(quote.pk), action_flag=2
    )

    new = migrator.apply_tested_migration(AFTER).apps

    moved_quote = new.get_model("tariffs", "Quote").objects.get(pk=quote.pk)
    assert moved_quote.premium == Decimal("319.98")
    assert (moved_quote.model_version_id, moved_quote.severity_model_version_id) == (
        frequency.pk,
        severity.pk,
    )
    assert (moved_quote.pricing_rule_id, moved_quote.tariff_id) == (rule.pk, tariff.pk)
    assert moved_quote.requested_by_id == partner.pk
    assert new.get_model("tariffs", "TariffVersion").objects.get(pk=tariff.pk).created_by_id == (
        user.pk
    )
    moved_analysis = new.get_model("tariffs", "ImpactAnalysis").objects.get(pk=analysis.pk)
    assert (moved_analysis.dataset_id, moved_analysis.scenario) == (
        dataset.pk,
        {"rules": [rule.pk]},
    )
    moved_proposal = new.get_model("tariffs", "ZoningProposal").objects.get(pk=proposal.pk)
    assert (moved_proposal.approved_by_id, moved_proposal.factors) == (user.pk, {"A": 0.8})
    assert list(moved_proposal.zipcodes.values_list("code", "proposed_class")) == [(1000, "C")]
    moved_evaluation = new.get_model("tariffs", "TariffEvaluation").objects.get(pk=evaluation.pk)
    assert moved_evaluation.result == {"gini": 0.3}
    permission = new.get_model("auth", "Permission").objects.get(
        content_type__app_label="tariffs", codename="add_quote"
    )
    assert partner.pk in set(permission.user_set.values_list("pk", flat=True))
    assert group.pk in set(permission.group_set.values_list("pk", flat=True))
    content_types = new.get_model("contenttypes", "ContentType").objects
    assert not content_types.filter(app_label="strategies", model="quote").exists()
    history = new.get_model("admin", "LogEntry").objects.get(object_id=str(quote.pk))
    assert (history.content_type.app_label, history.content_type.model) == ("tariffs", "quote")
