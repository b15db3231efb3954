"""Admin pieces of the tariff's pages: amounts in euros, the approval page with its impact
analysis beside the button, and running an impact analysis from any list."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mlmodels.selectors import dataset_get_latest
from pricing_site.exceptions import ApplicationError
from strategies.models import Fuel
from tariffs.selectors import ApprovalEvidence
from tariffs.services import (
    Scenario,
    impact_analysis_create,
)


def used_shown(value: Any) -> str:
    """A reference a step used, shown as people read it (a float to six decimals)."""
    return f"{value:.6f}" if isinstance(value, float) else str(value)


NOTE_SHOWN = 40  # characters of a note in a list; the whole note is on the detail page


# Why a simulated rule changed no premium (tariffs.services.impact.rules_not_applied).
NOT_APPLIED = {
    "not_in_force": _(
        "Rule #%(rule)s is not in force on the analysis's pricing date (it applies from %(start)s)."
    ),
    "no_brand_column": _(
        "Rule #%(rule)s is for %(brand)s, but the portfolio has no brand column: no policy has "
        "a brand."
    ),
    "no_policy_of_brand": _("Rule #%(rule)s is for %(brand)s: no policy of the portfolio has it."),
    "no_policy_with_fuel": _(
        "Rule #%(rule)s is for %(fuel)s: no policy of the portfolio has that fuel."
    ),
}


def rules_not_applied_described(result: dict[str, Any]) -> list[str]:
    """Why each simulated rule changed no premium, in the page's language."""
    return [
        NOT_APPLIED[entry["why"]]
        % {
            "rule": entry["rule"],
            "brand": entry["brand"],
            "fuel": Fuel(entry["fuel"]).label if entry["fuel"] else "",
            "start": date_format(date.fromisoformat(entry["valid_from"]), "SHORT_DATE_FORMAT"),
        }
        for entry in result.get("rules_not_applied", [])
    ]


APPROVAL_REASON_MAX = 2000  # characters of the written reason an approval may carry


def approval_view(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    *,
    not_draft: str | None,
    approve: Callable[[str], Any],
    approved: str,
    title: str,
    subject: str,
    confirm: str,
    evidence: ApprovalEvidence | None,
    detail_url: str,
) -> HttpResponse:
    """Approving a draft (rule, tariff version, zoning): GET shows it with its latest impact
    analysis beside the button (and why it is not evidence when it is not), POST calls *approve*
    with the reason written; what is no draft (*not_draft* says why) is said and never approved
    again. What cannot be simulated (*evidence* None: a rule's end) needs the written reason."""
    if not_draft:
        model_admin.message_user(request, not_draft)
        return HttpResponseRedirect(detail_url)
    if request.method == "POST":
        try:
            approve(request.POST.get("reason", "")[:APPROVAL_REASON_MAX])
        except ApplicationError as error:
            model_admin.message_user(request, error.message, messages.ERROR)
        except ValidationError as error:
            model_admin.message_user(request, "; ".join(error.messages), messages.ERROR)
        else:
            model_admin.message_user(request, approved, messages.SUCCESS)
        return HttpResponseRedirect(detail_url)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        "subject": subject,
        "confirm": confirm,
        "evidence": evidence,
        "not_applied": rules_not_applied_described(evidence.analysis.result)
        if evidence and evidence.analysis
        else [],
        "cancel_url": detail_url,
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
    dataset = dataset_get_latest()
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


# The steps of a premium as staff read them (breakdowns, impact movers).
STEP_LABELS = {
    "expected_claim_cost": _("Expected claim cost"),
    "zone": _("Zone"),
    "strategy": _("Strategy"),
    "indexation": _("Indexation"),
    "loading": _("Loading"),
    "fee": _("Policy fee"),
    "minimum": _("Minimum premium"),
}
