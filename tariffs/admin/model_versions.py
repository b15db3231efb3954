"""The model registry's admin as the tariff extends it: a version's impact on the premiums, its
zoning against today's, the tariff's backtest; zones derived and the tariff evaluated from a
dataset; and the backtests themselves."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mlmodels.admin import DatasetAdmin, ModelVersionAdmin, ReadOnlyAdmin
from mlmodels.models import Dataset, ModelVersion, Task
from pricing_site.numbers import decimal_shown
from tariffs.admin.common import impact_simulate_one
from tariffs.models import TariffEvaluation
from tariffs.selectors import (
    approval_evidence_get,
    tariff_evaluation_report_get,
    zoning_version_get_current,
)
from tariffs.services import (
    MODEL_SCENARIO_KEYS,
    model_version_scenario,
    tariff_evaluation_create,
    zoning_proposal_create,
)


class TariffModelVersionAdmin(ModelVersionAdmin):
    change_form_template = "admin/tariffs/modelversion_change_form.html"
    promote_confirmation_template = "admin/tariffs/modelversion_promote.html"
    actions = [*ModelVersionAdmin.actions, "simulate_impact"]

    def promote_extra_context(self, version: ModelVersion) -> dict[str, Any]:
        """A frequency or severity model changes premiums: its impact analysis is the evidence
        (a claim-probability model prices nothing)."""
        kind = MODEL_SCENARIO_KEYS.get(version.task)
        if kind is None:
            return {}
        return {
            "evidence": approval_evidence_get(
                kind=kind, object_id=version.pk, drafted_at=version.created_at
            )
        }

    @admin.action(description=_("Simulate the impact of this version on the premiums"))
    def simulate_impact(
        self, request: HttpRequest, queryset: QuerySet[ModelVersion]
    ) -> HttpResponse | None:
        return impact_simulate_one(
            self, request, queryset, lambda version: model_version_scenario(version=version)
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        evaluation = TariffEvaluation.objects.filter(state=TariffEvaluation.State.DONE).first()
        context: dict[str, Any] = {
            "tariff_evaluation": evaluation,
            "tariff_report": mark_safe(tariff_evaluation_report_get(evaluation=evaluation))  # noqa: S308
            if evaluation
            else "",
        }
        version = (
            ModelVersion.objects.filter(pk=object_id).defer("artifact").first()
            if object_id.isdigit()
            else None  # the registry's page answers 404
        )
        zoning = zoning_version_get_current()
        if (
            version is not None
            and version.task == Task.CLAIM_FREQUENCY
            and not version.uses_location
            and version.zoning_version != zoning
        ):
            none = gettext("none")
            context["zoning_warning"] = gettext(
                "This model was trained with zoning %(trained)s; today's zone table comes from "
                "zoning %(today)s. Retrain it on the new zones."
            ) % {"trained": version.zoning_version or none, "today": zoning or none}
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), **context}
        )


class TariffDatasetAdmin(DatasetAdmin):
    actions = ["derive_zones", "evaluate_tariff"]

    @admin.action(description=_("Derive zones from the claims of this dataset (a draft to review)"))
    def derive_zones(
        self, request: HttpRequest, queryset: QuerySet[Dataset]
    ) -> HttpResponse | None:
        if not request.user.has_perm("tariffs.approve_zoningproposal"):
            self.message_user(request, gettext("You may not derive zones."), messages.ERROR)
            return None
        for dataset in queryset:
            proposal = zoning_proposal_create(
                dataset=dataset, created_by=request.user, background=True
            )
            self.message_user(
                request,
                gettext(
                    "Zoning proposal %(id)s is being computed from %(dataset)s; review it under "
                    "Zoning proposals."
                )
                % {"id": proposal.pk, "dataset": dataset.name},
                messages.SUCCESS,
            )
        return None

    @admin.action(description=_("Evaluate the tariff on this dataset's holdout"))
    def evaluate_tariff(self, request: HttpRequest, queryset: QuerySet[Dataset]) -> None:
        for dataset in queryset:
            evaluation = tariff_evaluation_create(dataset=dataset, requested_by=request.user)
            self.message_user(
                request,
                gettext(
                    "Tariff evaluation %(id)s started on %(dataset)s; its report is under "
                    "Tariff evaluations."
                )
                % {"id": evaluation.pk, "dataset": dataset.name},
                messages.SUCCESS,
            )


@admin.register(TariffEvaluation)
class TariffEvaluationAdmin(ReadOnlyAdmin):
    list_display = ["id", "dataset", "state", "headline", "created_at"]
    fields = ("dataset", "state", "error", "requested_by", "created_at", "report")
    readonly_fields = fields

    @admin.display(description=_("deviance · claims ratio · Gini"))
    def headline(self, evaluation: TariffEvaluation) -> str:
        result = evaluation.result
        if not result:
            return "-"
        return " · ".join(
            decimal_shown(result[key], decimals)
            for key, decimals in (("frequency_deviance", 5), ("claims_ratio", 4), ("gini", 4))
        )

    @admin.display(description=_("report"))
    def report(self, evaluation: TariffEvaluation) -> str:
        # Written in the reader's language from the stored result, numbers and escaped text
        # only (the stored report is the command's and the download's).
        if not evaluation.result:
            return evaluation.error or "-"
        return mark_safe(tariff_evaluation_report_get(evaluation=evaluation))  # noqa: S308


admin.site.unregister(ModelVersion)
admin.site.register(ModelVersion, TariffModelVersionAdmin)
admin.site.unregister(Dataset)
admin.site.register(Dataset, TariffDatasetAdmin)
