"""Admin of the impact analyses: the result page, its report and its per-policy CSV."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pricing_site.exceptions import NotFoundError
from pricing_site.numbers import percent
from tariffs.admin.common import STEP_LABELS, rules_not_applied_described
from tariffs.models import ImpactAnalysis
from tariffs.selectors import (
    impact_analysis_get,
)
from tariffs.services.impact_results import histogram_labels, histogram_png


@admin.register(ImpactAnalysis)
class ImpactAnalysisAdmin(admin.ModelAdmin):
    """Analyses are started from a rule, a zoning proposal, a model or a tariff version (or the
    API) and read here; nothing in them is typed by hand."""

    change_form_template = "admin/tariffs/impactanalysis/change_form.html"
    list_display = ["id", "dataset", "on", "scenario_short", "state", "change", "created_at"]
    list_filter = ["state"]
    ordering = ["-created_at"]
    fields = ("dataset", "on", "scenario_short", "state", "chunks", "error", "requested_by")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.display(description=_("scenario"))
    def scenario_short(self, analysis: ImpactAnalysis) -> str:
        return scenario_described(analysis.scenario)

    @admin.display(description=_("change"))
    def change(self, analysis: ImpactAnalysis) -> str:
        if not analysis.result:
            return "-"
        return percent(analysis.result["change_percent"], signed=True)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:analysis_id>/policies.csv",
                self.admin_site.admin_view(self.csv_view),
                name="tariffs_impactanalysis_csv",
            ),
            path(
                "<int:analysis_id>/report.html",
                self.admin_site.admin_view(self.report_view),
                name="tariffs_impactanalysis_report",
            ),
            *super().get_urls(),
        ]

    def analysis_or_404(self, request: HttpRequest, analysis_id: int) -> ImpactAnalysis:
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            return impact_analysis_get(analysis_id=analysis_id)
        except NotFoundError as missing:
            raise Http404(missing.message) from missing

    def csv_view(self, request: HttpRequest, analysis_id: int) -> FileResponse:
        analysis = self.analysis_or_404(request, analysis_id)
        if not analysis.policies_csv:
            raise Http404(gettext("The analysis is not finished."))
        return FileResponse(
            analysis.policies_csv.open("rb"),
            as_attachment=True,
            filename=f"impact-analysis-{analysis.pk}.csv",
            content_type="text/csv",
        )

    def report_view(self, request: HttpRequest, analysis_id: int) -> HttpResponse:
        analysis = self.analysis_or_404(request, analysis_id)
        response = TemplateResponse(
            request,
            "tariffs/impact_report.html",
            impact_context(analysis),
        )
        response["Content-Disposition"] = (
            f'attachment; filename="impact-analysis-{analysis.pk}.html"'
        )
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        analysis = self.analysis_or_404(request, int(object_id) if object_id.isdigit() else 0)
        context = impact_context(analysis)
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), **context}
        )


DIMENSION_LABELS = {
    "zone": _("By zone (today's class)"),
    "fuel": _("By fuel"),
    "brand": _("By brand"),
    "coverage": _("By coverage"),
    "age_band": _("By age of the policyholder"),
    "bonus_malus_band": _("By bonus-malus level"),
}


def impact_context(analysis: ImpactAnalysis) -> dict[str, Any]:
    """What the analysis page and its report show: the result and the groups, labelled."""
    groups = analysis.result.get("by", {})
    histogram = analysis.result.get("histogram", [])
    return {
        "analysis": analysis,
        "scenario": scenario_described(analysis.scenario),
        "dimensions": [(DIMENSION_LABELS.get(name, name), rows) for name, rows in groups.items()],
        "not_applied": rules_not_applied_described(analysis.result),
        "movers": [
            {
                **mover,
                "steps": [
                    (STEP_LABELS.get(step, step), amount, mover["steps_after"].get(step))
                    for step, amount in mover["steps_before"].items()
                ],
            }
            for mover in analysis.result.get("movers", [])
        ],
        # Drawn when shown, in the reader's language.
        "histogram": list(zip(histogram_labels(), histogram, strict=True)) if histogram else [],
        "histogram_png": histogram_png(histogram) if histogram else "",
    }


def scenario_described(scenario: dict[str, Any]) -> str:
    """A scenario as staff read it: what it changes against today's tables."""
    parts = []
    if scenario.get("rules"):
        parts.append(
            gettext("rules %(ids)s") % {"ids": ", ".join(f"#{i}" for i in scenario["rules"])}
        )
    if scenario.get("zoning_proposal"):
        parts.append(gettext("zoning proposal %(id)s") % {"id": scenario["zoning_proposal"]})
    if scenario.get("frequency_model"):
        parts.append(gettext("frequency model %(id)s") % {"id": scenario["frequency_model"]})
    if scenario.get("severity_model"):
        parts.append(gettext("severity model %(id)s") % {"id": scenario["severity_model"]})
    if scenario.get("tariff_version"):
        parts.append(gettext("tariff version %(id)s") % {"id": scenario["tariff_version"]})
    if scenario.get("index_month"):
        parts.append(gettext("index of %(month)s") % {"month": scenario["index_month"]})
    return " · ".join(parts)
