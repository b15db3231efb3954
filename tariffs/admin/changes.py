"""Admin of the tariff change log: read, filtered and exported, never edited or deleted."""

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import resources
from import_export.admin import ExportMixin

from mlmodels.admin import ReadOnlyAdmin
from mlmodels.models import Task
from pricing_site.exceptions import ApplicationError
from pricing_site.numbers import euros, percent
from strategies.models import DraftState, Fuel
from tariffs.models import TariffChange
from tariffs.services import ROLLBACK_PERMISSIONS, tariff_change_rollback

# The values before and after, by their labels (the keys the log stores).
VALUE_LABELS = {
    "brand": _("Brand"),
    "fuel": _("Fuel"),
    "adjustment_percent": _("adjustment (%)"),
    "valid_from": _("valid from"),
    "valid_to": _("valid to"),
    "is_active": _("active"),
    "state": _("state"),
    "version": _("version"),
    "commercial_loading": _("commercial loading"),
    "policy_fee": _("policy fee (EUR)"),
    "minimum_premium": _("minimum premium (EUR)"),
    "reference_base_year": _("reference base year"),
    "reference_month": _("reference month"),
    "factors": _("class factors"),
    "changed_postcodes": _("postcodes changing class"),
    "moves": _("moves"),
    "task": _("task"),
    "versions": _("versions"),
    "month": _("month"),
    "value": _("value"),
}
# Where a rollback leads: the draft to review and have approved, or the version to promote.
ROLLBACK_OPENS = {
    "pricing_rule": "admin:strategies_pricingrule_change",
    "tariff_version": "admin:tariffs_tariffversion_change",
    "zoning_proposal": "admin:tariffs_zoningproposal_change",
    "model_version": "admin:mlmodels_modelversion_promote",
}
ROLLBACK_DONE = {
    "pricing_rule": _(
        "What restores the rules as they were is ready (the rule's proposed end, or a draft "
        "rule with its adjustment): another person approves it."
    ),
    "tariff_version": _(
        "A draft tariff version with the previous terms is ready: simulate its impact, then "
        "another person approves it."
    ),
    "zoning_proposal": _(
        "A draft zoning with the previous classes and factors is ready: simulate its impact, "
        "then another person approves it."
    ),
    "model_version": _(
        "Promoting the previous version again restores it: another person than who trained it "
        "promotes it."
    ),
}
# What each kind of change is about, named in the reader's language.
SUBJECTS = {
    TariffChange.Kind.RULE_APPROVED: _("Pricing rule #%(id)s"),
    TariffChange.Kind.RULE_ENDED: _("Pricing rule #%(id)s"),
    TariffChange.Kind.TARIFF_VERSION_APPROVED: _("Tariff version %(id)s"),
    TariffChange.Kind.ZONING_APPROVED: _("Zoning proposal %(id)s"),
    TariffChange.Kind.MODEL_PROMOTED: _("Model version %(id)s"),
    TariffChange.Kind.INDEX_MONTH: _("Health index base %(id)s"),
}


class TariffChangeResource(resources.ModelResource):
    """The log as a spreadsheet: one line per change, every column."""

    class Meta:
        model = TariffChange
        fields = [
            "id",
            "kind",
            "subject",
            "object_id",
            "effective_from",
            "drafted_by",
            "approved_by",
            "approved_alone",
            "recorded_at",
            "impact",
            "reason",
            "before",
            "after",
        ]
        export_order = fields


def impact_described(impact: dict[str, Any]) -> str:
    if not impact:
        return gettext("no impact analysis")
    return gettext(
        "analysis %(analysis)s: %(before)s → %(after)s (%(change)s), %(moved)s of %(policies)s "
        "policies move by more than 10 %%"
    ) % {
        "analysis": impact["analysis"],
        "before": euros(impact["total_before"]),
        "after": euros(impact["total_after"]),
        "change": percent(impact["change_percent"], signed=True),
        "moved": impact["moved_more_than_10_percent"],
        "policies": impact["policies"],
    }


# Stored codes shown by their labels.
CODE_LABELS: dict[str, Any] = {"state": DraftState, "fuel": Fuel, "task": Task}


def value_shown(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if value is None or value == "":
        return "-"
    if key in CODE_LABELS and value in CODE_LABELS[key].values:
        return str(CODE_LABELS[key](value).label)
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "-"
    if isinstance(value, dict):
        return ", ".join(f"{name}: {item}" for name, item in value.items()) or "-"
    return str(value)


def values_table(values: dict[str, Any]) -> SafeString:
    if not values:
        return format_html("{}", "-")
    return format_html(
        "<table>{}</table>",
        format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td></tr>",
            (
                (VALUE_LABELS.get(key, key), value_shown(key, value))
                for key, value in values.items()
            ),
        ),
    )


@admin.register(TariffChange)
class TariffChangeAdmin(ExportMixin, ReadOnlyAdmin):
    resource_classes = [TariffChangeResource]
    list_display = [
        "recorded_at",
        "kind",
        "what",
        "effective",
        "drafted_by",
        "approved_by",
        "impact_shown",
    ]
    list_filter = ["kind", "recorded_at", "effective_from", "approved_alone"]
    date_hierarchy = "recorded_at"
    search_fields = ["subject", "drafted_by", "approved_by"]
    # The stored `subject` is the object's name in the project's language when it changed: kept
    # for the export and the API; staff read what changed in their own language.
    fields = readonly_fields = (
        "kind",
        "what",
        "object_id",
        "effective_from",
        "drafted_by",
        "approved_by",
        "approved_alone",
        "recorded_at",
        "impact_shown",
        "reason",
        "before_shown",
        "after_shown",
    )

    change_form_template = "admin/tariffs/tariffchange/change_form.html"

    def get_urls(self) -> list[URLPattern]:
        rollback = path(
            "<int:change_id>/rollback/",
            self.admin_site.admin_view(self.rollback_view),
            name="tariffs_tariffchange_rollback",
        )
        return [rollback, *super().get_urls()]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        change = TariffChange.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        permission = ROLLBACK_PERMISSIONS.get(TariffChange.Kind(change.kind)) if change else None
        context = {"can_roll_back": permission is not None and request.user.has_perm(permission)}
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), **context}
        )

    def rollback_view(self, request: HttpRequest, change_id: int) -> HttpResponse:
        """POST: the draft that restores the state before the change, opened for review; it
        is approved, like any draft, by someone else than who asked for it."""
        change = get_object_or_404(TariffChange, pk=change_id)
        detail = reverse("admin:tariffs_tariffchange_change", args=[change_id])
        if request.method != "POST":
            return HttpResponseRedirect(detail)
        try:
            rollback = tariff_change_rollback(change=change, requested_by=request.user)
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(detail)
        self.message_user(request, str(ROLLBACK_DONE[rollback.kind]), messages.SUCCESS)
        return HttpResponseRedirect(reverse(ROLLBACK_OPENS[rollback.kind], args=[rollback.id]))

    @admin.display(description=_("what"), ordering="object_id")
    def what(self, change: TariffChange) -> str:
        return str(SUBJECTS[TariffChange.Kind(change.kind)]) % {"id": change.object_id}

    @admin.display(description=_("effective from"), ordering="effective_from")
    def effective(self, change: TariffChange) -> str:
        return date_format(change.effective_from, "SHORT_DATE_FORMAT")

    @admin.display(description=_("impact at approval"))
    def impact_shown(self, change: TariffChange) -> str:
        return impact_described(change.impact)

    @admin.display(description=_("before"))
    def before_shown(self, change: TariffChange) -> SafeString:
        return values_table(change.before)

    @admin.display(description=_("after"))
    def after_shown(self, change: TariffChange) -> SafeString:
        return values_table(change.after)
