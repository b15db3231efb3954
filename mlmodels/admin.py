"""Admin: model versions (metrics, comparison with production, promotion), datasets, jobs.
What the tariff adds to them (impact, zones, backtests) is in tariffs.admin."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mlmodels.factors import VARIABLE_LABELS, level_shown
from mlmodels.models import Dataset, ModelVersion, Task, TrainingJob
from mlmodels.pipelines import METRIC_LABELS
from mlmodels.schema import FEATURE_LABELS, report_text
from mlmodels.selectors import (
    model_version_comparison_get,
    model_version_factor_charts_get,
    model_version_get,
    model_version_get_production,
)
from mlmodels.services import (
    model_version_promote,
)
from pricing_site.exceptions import ApplicationError, NotFoundError
from pricing_site.numbers import decimal_shown, euros, factor, percent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by services only: staff read them and act through explicit actions."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(ModelVersion)
class ModelVersionAdmin(ReadOnlyAdmin):
    change_form_template = "admin/mlmodels/modelversion/change_form.html"
    # Short cells so that the list fits a 1366 px screen; the full names are on the detail page.
    list_display = [
        "id",
        "task_short",
        "estimator_short",
        "test_metric",
        "cv_metric",
        "dataset_name",
        "status_label",
        "created_at",
    ]
    list_filter = ["task", "estimator", "is_production"]
    ordering = ["-created_at"]
    actions = ["promote_selected"]
    # Shown for a reader: scores, parameters, features and zone factors as labelled tables,
    # amounts in euros. The artifact's bytes are never shown nor uploaded (unpickling runs code).
    fields = (
        "task",
        "estimator",
        "dataset",
        "trained_by",
        "created_at",
        "is_production",
        "promoted_by",
        "promoted_at",
        "metrics_table",
        "params_table",
        "features_table",
        "uses_location",
        "zoning_version",
        "zone_factors_table",
        "balance_shown",
        "average_claim_cost_eur",
        "large_claim_cap_eur",
        "large_claim_loading_shown",
        "training_seconds",
        "sklearn_version",
        "dataset_sha256",
        "artifact_sha256",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("dataset").defer("artifact")

    @admin.display(description=_("task"), ordering="task")
    def task_short(self, version: ModelVersion) -> str:
        return str(TASK_SHORT.get(version.task, version.task))

    @admin.display(description=_("estimator"), ordering="estimator")
    def estimator_short(self, version: ModelVersion) -> str:
        return str(ESTIMATOR_SHORT.get(version.estimator, version.estimator))

    @admin.display(description=_("holdout score (lower is better)"))
    def test_metric(self, version: ModelVersion) -> str:
        return decimal_shown(version.metrics.get("test", 0), 5)

    @admin.display(description=_("dataset"), ordering="dataset__name")
    def dataset_name(self, version: ModelVersion) -> str:
        return version.dataset.name

    @admin.display(description=_("Scores"))
    def metrics_table(self, version: ModelVersion) -> SafeString:
        metrics = version.metrics
        rows = [
            (
                gettext("%(metric)s, holdout") % {"metric": metric_label(version)},
                decimal_shown(metrics.get("test", 0), 5),
            ),
            (gettext("Same, cross-validation mean ± std"), self.cv_metric(version)),
            (
                gettext("Policies trained on / held out"),
                f"{metrics.get('train_rows')} / {metrics.get('test_rows')}",
            ),
        ]
        return table_html(("", gettext("value")), rows)

    @admin.display(description=_("Parameters"))
    def params_table(self, version: ModelVersion) -> SafeString:
        overrides = version.params.get("overrides", {})
        set_here = gettext("(set for this version)")
        rows = [
            (
                name.replace("_", " "),
                f"{value_shown(value)} {set_here}" if name in overrides else value_shown(value),
            )
            for name, value in sorted(version.params.items())
            if name != "overrides"
        ]
        return table_html((gettext("parameter"), gettext("value")), rows)

    @admin.display(description=_("Rating variables"))
    def features_table(self, version: ModelVersion) -> SafeString:
        categories = version.feature_schema.get("categories", {})
        rows = [
            (
                str(FEATURE_LABELS.get(name, name)),
                ", ".join(str(value) for value in categories[name]) if name in categories else "",
            )
            for name in version.feature_schema.get("features", [])
        ]
        return table_html((gettext("variable"), gettext("levels")), rows)

    @admin.display(description=_("Zone factors learnt around"))
    def zone_factors_table(self, version: ModelVersion) -> SafeString | str:
        if not version.zone_factors:
            return "-"
        rows = [(code, factor(value)) for code, value in sorted(version.zone_factors.items())]
        return table_html((gettext("risk class"), gettext("factor")), rows)

    @admin.display(description=_("Balance factor"))
    def balance_shown(self, version: ModelVersion) -> str:
        return decimal_shown(version.balance_factor, 4)

    @admin.display(description=_("Average cost of a claim"))
    def average_claim_cost_eur(self, version: ModelVersion) -> str:
        return euros(version.average_claim_cost)

    @admin.display(description=_("Large-claim cap"))
    def large_claim_cap_eur(self, version: ModelVersion) -> str:
        return "-" if version.large_claim_cap is None else euros(round(version.large_claim_cap, 2))

    @admin.display(description=_("Large-claim loading"))
    def large_claim_loading_shown(self, version: ModelVersion) -> str:
        loading = version.large_claim_loading
        return "-" if loading is None else percent(loading * 100, 2)

    @admin.display(description=_("CV mean ± std"))
    def cv_metric(self, version: ModelVersion) -> str:
        if version.metrics.get("cv_mean") is None:
            return "-"
        mean, std = version.metrics["cv_mean"], version.metrics["cv_std"]
        return f"{decimal_shown(mean, 5)} ± {decimal_shown(std, 5)}"

    @admin.display(description=_("status"), ordering="-is_production")
    def status_label(self, version: ModelVersion) -> str:
        return version.status_label

    def has_promote_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("mlmodels.promote_modelversion")

    @admin.action(
        description=_("Promote the selected version to production…"), permissions=["promote"]
    )
    def promote_selected(
        self, request: HttpRequest, queryset: QuerySet[ModelVersion]
    ) -> HttpResponse | None:
        """The same confirmation page as the version's own button: it against production, in
        red when it scores worse, and only the second click promotes."""
        if queryset.count() != 1:
            self.message_user(
                request, gettext("Select exactly one version to promote."), messages.ERROR
            )
            return None
        version_id = queryset.values_list("pk", flat=True).get()
        return HttpResponseRedirect(
            reverse("admin:mlmodels_modelversion_promote", args=[version_id])
        )

    # The confirmation page; a layer above extends it with what a promotion rests on.
    promote_confirmation_template = "admin/mlmodels/modelversion/promote_confirmation.html"

    def promote_extra_context(self, version: ModelVersion) -> dict[str, Any]:
        return {}

    def promote(self, request: HttpRequest, version: ModelVersion) -> None:
        try:
            model_version_promote(
                version=version,
                promoted_by=request.user,
                reason=request.POST.get("reason", "")[:PROMOTION_REASON_MAX],
            )
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
        else:
            self.message_user(
                request,
                gettext("Model version %(id)s is now in production for %(task)s.")
                % {"id": version.pk, "task": version.get_task_display()},
                messages.SUCCESS,
            )

    def get_urls(self) -> list[URLPattern]:
        promote = path(
            "<int:version_id>/promote/",
            self.admin_site.admin_view(self.promote_view),
            name="mlmodels_modelversion_promote",
        )
        return [promote, *super().get_urls()]

    def promote_view(self, request: HttpRequest, version_id: int) -> HttpResponse:
        """GET: the candidate against production, with a warning when it scores worse; POST
        (the second click): promote it."""
        detail = reverse("admin:mlmodels_modelversion_change", args=[version_id])
        if not self.has_promote_permission(request):
            self.message_user(
                request, gettext("You may not promote model versions."), messages.ERROR
            )
            return HttpResponseRedirect(detail)
        try:
            version = model_version_get(version_id=version_id)
        except NotFoundError as missing:
            raise Http404(missing.message) from missing
        if request.method == "POST":
            self.promote(request, version)
            return HttpResponseRedirect(detail)
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Promote model version %(id)s to production?") % {"id": version.pk},
            "version": version,
            **comparison_context(version),
            **self.promote_extra_context(version),
        }
        return TemplateResponse(request, self.promote_confirmation_template, context)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            version = model_version_get(version_id=int(object_id))
        except (ValueError, NotFoundError) as missing:
            raise Http404(
                gettext("There is no model version %(id)s.") % {"id": object_id}
            ) from missing
        context: dict[str, Any] = {
            "can_promote": self.has_promote_permission(request) and not version.is_production,
            **comparison_context(version),
            **factors_context(version),
        }
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), **context}
        )


PROMOTION_REASON_MAX = 2000  # characters of the written reason a promotion may carry

TASK_SHORT: dict[str, Any] = {
    Task.CLAIM_FREQUENCY: _("Frequency"),
    Task.CLAIM_SEVERITY: _("Severity"),
    Task.CLAIM_PROBABILITY: _("Probability"),
}
ESTIMATOR_SHORT = {
    "glm": _("GLM"),
    "random_forest": _("Random forest"),
    "hist_gradient_boosting": _("Gradient boosting"),
}


def metric_label(version: ModelVersion) -> str:
    name = version.metrics.get("metric", "")
    return METRIC_LABELS.get(name, name)


def value_shown(value: Any) -> str:
    """A parameter's value as staff read it: yes / no, a number in their language, "-"."""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if value is None:
        return "-"
    if isinstance(value, float):
        return decimal_shown(value, 6).rstrip("0").rstrip(",.") or "0"
    return str(value)


def table_html(head: tuple[str, str], rows: list[tuple[str, str]]) -> SafeString:
    return format_html(
        "<table><thead><tr><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
        *head,
        format_html_join("", "<tr><td>{}</td><td>{}</td></tr>", rows),
    )


def comparison_context(version: ModelVersion) -> dict[str, Any]:
    """*version* against production on its dataset's holdout, and whether it scores worse
    (every metric here is lower-is-better); or why there is no comparison."""
    try:
        production = model_version_get_production(task=version.task)
        comparison = model_version_comparison_get(version=version, production=production)
    except (ApplicationError, OSError) as error:
        return {"comparison_error": getattr(error, "message", str(error))}
    scores = {evaluation.version.pk: evaluation.test for evaluation in comparison.evaluations}
    worse = production.pk != version.pk and scores[version.pk] > scores[production.pk]
    return {"comparison": comparison, "production": production, "worse": worse}


def factors_context(version: ModelVersion) -> dict[str, Any]:
    """*version*'s rating factors as the page shows them: per variable its one-way chart and
    its levels (exposure, observed and predicted, relativity against the base level)."""
    if not version.factors:
        return {}
    charts = model_version_factor_charts_get(version=version)
    cost = version.factors["measure"] == "mean_cost"
    return {
        "factors_relativities": version.factors["kind"] == "relativities",
        "factors_cost": cost,
        "factors": [
            {
                "variable": factor["variable"],
                "label": VARIABLE_LABELS.get(factor["variable"], factor["variable"]),
                "chart": charts[factor["variable"]],
                "base_level": level_shown(factor["variable"], factor["base_level"]),
                "levels": [
                    {
                        "level": level_shown(factor["variable"], level["level"]),
                        "exposure": level["exposure"],
                        "observed": level["observed"],
                        "predicted": level["predicted"],
                        "relativity": level["relativity"],
                        "low": level.get("low"),
                        "high": level.get("high"),
                    }
                    for level in factor["levels"]
                ],
            }
            for factor in version.factors["variables"]
        ],
    }


@admin.register(Dataset)
class DatasetAdmin(ReadOnlyAdmin):
    list_display = ["name", "row_count", "short_sha256", "uploaded_by", "uploaded_at"]
    search_fields = ["name", "sha256"]
    fields = ("name", "file", "row_count", "sha256", "report", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    @admin.display(description="SHA-256")
    def short_sha256(self, dataset: Dataset) -> str:
        return dataset.sha256[:12]

    @admin.display(description=_("validation report"))
    def report(self, dataset: Dataset) -> str:
        return format_html("<pre>{}</pre>", report_text(dataset.validation_report))


@admin.register(TrainingJob)
class TrainingJobAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "task",
        "estimator",
        "state",
        "progress",
        "step",
        "model_version",
        "created_at",
    ]
    list_filter = ["state", "task"]
