"""Admin pieces of the tariff's pages: amounts in euros, the approval page with its impact
analysis beside the button, and running an impact analysis from any list."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext

from mlmodels.selectors import dataset_latest_get
from pricing_site.exceptions import ApplicationError
from tariffs.models import ImpactAnalysis
from tariffs.services import (
    Scenario,
    impact_analysis_create,
)


def used_shown(value: Any) -> str:
    """A reference a step used, shown as people read it (a float to six decimals)."""
    return f"{value:.6f}" if isinstance(value, float) else str(value)


def euros(amount: Decimal) -> str:
    """An amount in the active language's number format: € 1.234,56 in Dutch and French."""
    return f"€ {number_format(amount, decimal_pos=2, force_grouping=True)}"


NOTE_SHOWN = 40  # characters of a note in a list; the whole note is on the detail page


def approval_page(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    *,
    title: str,
    subject: str,
    confirm: str,
    analysis: ImpactAnalysis | None,
    cancel_url: str,
) -> HttpResponse:
    """The page that approves a draft, with its latest impact analysis beside the button."""
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        "subject": subject,
        "confirm": confirm,
        "analysis": analysis,
        "cancel_url": cancel_url,
    }
    return TemplateResponse(request, "admin/tariffs/approve.html", context)


def impact_simulate_one(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Any],
    scenario_of: Callable[[Any], Scenario],
) -> HttpResponse | None:
    """Simulate the scenario of the one selected object (a version, a proposal)."""
    if queryset.count() != 1:
        model_admin.message_user(request, gettext("Select exactly one."), messages.ERROR)
        return None
    try:
        scenario = scenario_of(queryset.get())
    except ApplicationError as error:
        model_admin.message_user(request, error.message, messages.ERROR)
        return None
    return impact_simulate(model_admin, request, scenario)


def impact_simulate(
    model_admin: admin.ModelAdmin, request: HttpRequest, scenario: Scenario
) -> HttpResponse | None:
    """Start an impact analysis of *scenario* on the latest portfolio dataset and open it."""
    dataset = dataset_latest_get()
    if dataset is None:
        model_admin.message_user(
            request,
            gettext("Upload a portfolio dataset first: the analysis prices it."),
            messages.ERROR,
        )
        return None
    try:
        analysis = impact_analysis_create(
            dataset_id=dataset.pk, scenario=scenario, requested_by=request.user
        )
    except ApplicationError as error:
        model_admin.message_user(request, error.message, messages.ERROR)
        return None
    model_admin.message_user(
        request,
        gettext("Impact analysis %(id)s started on %(dataset)s.")
        % {"id": analysis.pk, "dataset": dataset.name},
        messages.SUCCESS,
    )
    return HttpResponseRedirect(reverse("admin:tariffs_impactanalysis_change", args=[analysis.pk]))
