"""What a demo's admin holds, for the tests that read every admin page (in the test client and
in a real browser): the world and the list of its pages."""

from datetime import date

import pytest
from django.contrib import admin
from django.urls import reverse

from mlmodels.models import ModelVersion
from mlmodels.services import model_version_train
from strategies.models import Brand, FuelMapping
from strategies.services import brand_save, fuel_mapping_save
from strategies.tests.fixtures import rule
from tariffs.models import ZoningProposal
from tariffs.services import (
    QuoteRequest,
    Scenario,
    impact_analysis_create,
    premium_quote,
    tariff_evaluation_create,
    zoning_proposal_create,
)


@pytest.fixture
def world(book, production_tariff, django_capture_on_commit_callbacks, admin_user):
    """What a demo holds: a quote, drafts simulated, a zoning proposal, a backtest, a
    candidate model, a brand and a fuel mapping."""
    with django_capture_on_commit_callbacks(execute=True):
        brand_save(brand=Brand(name="Toyota"))
        fuel_mapping_save(mapping=FuelMapping(fuel="electric", priced_as="petrol"))
        draft = rule(fuel="diesel", percent="-10", state="draft")
        premium_quote(
            request=QuoteRequest(
                zipcode=9000,
                brand="Toyota",
                fuel="diesel",
                power_kw=85,
                vehicle_age=3,
                driver_age=35,
                bonus_malus=2,
                coverage="TPL",
                use="private",
                fleet=False,
                date=date(2026, 11, 24),
            )
        )
        impact_analysis_create(
            dataset_id=book.pk, scenario=Scenario(rules=(draft.pk,)), on=date(2026, 11, 24)
        )
        zoning_proposal_create(dataset=book, created_by=admin_user)
        tariff_evaluation_create(dataset=book, requested_by=admin_user)
    model_version_train(
        dataset=book, task="claim_frequency", estimator="glm", cv=0, trained_by=admin_user
    )
    return draft


def admin_pages(draft) -> list[str]:
    """Every list, every object's first page, every add form, and the tariff's own pages."""
    pages = []
    for model in admin.site._registry:
        opts = model._meta
        if opts.app_label == "auth":
            continue  # users and groups list Django's permission names, stored in English
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        first = model.objects.order_by("pk").first()
        if first is not None:
            pages.append(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            )
    proposal = ZoningProposal.objects.get()
    candidate = ModelVersion.objects.filter(is_production=False).latest("pk")
    return [
        *pages,
        reverse("admin:strategies_pricingrule_add"),
        reverse("admin:tariffs_tariffversion_add"),
        reverse("admin:strategies_pricingrule_preview")
        + "?brand=toyota&fuel=diesel&date=24/11/2026",
        reverse("admin:strategies_pricingrule_approve", args=[draft.pk]),
        reverse("admin:tariffs_zoningproposal_approve", args=[proposal.pk]),
        reverse("admin:mlmodels_modelversion_promote", args=[candidate.pk]),
        reverse("admin:indices_healthindex_chart"),
        reverse("admin:zipcodes_zipcode_export"),
    ]
