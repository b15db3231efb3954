"""Admin of the tariff versions: a change is a new version, a draft until approved."""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pricing_site.exceptions import ApplicationError
from pricing_site.forms import BelgianDecimalField, BelgianNumbersMixin
from pricing_site.numbers import euros, percent
from strategies.models import DraftState
from tariffs.admin.common import NOTE_SHOWN, approval_view, impact_simulate_one
from tariffs.models import TariffVersion
from tariffs.selectors import approval_evidence_get, tariff_get_current
from tariffs.services import (
    Scenario,
    tariff_version_approve,
    tariff_version_create,
)


class TariffVersionForm(forms.ModelForm):
    """The loading as staff say it (25 %), stored as the fraction the premium uses (0.250)."""

    loading_percent = BelgianDecimalField(
        label=_("Commercial loading (%)"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=1,
        help_text=_("On top of the indexed risk premium: 25 means 25 %."),
    )

    class Meta:
        model = TariffVersion
        fields = [
            "valid_from",
            "reference_base_year",
            "reference_month",
            "loading_percent",
            "policy_fee",
            "minimum_premium",
            "note",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        loading = self.initial.get("commercial_loading")
        if loading is not None:
            self.initial.setdefault(
                "loading_percent", (Decimal(loading) * 100).quantize(Decimal("0.1"))
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        percent = cleaned.get("loading_percent")
        if percent is not None:
            self.instance.commercial_loading = (percent / 100).quantize(Decimal("0.001"))
        return cleaned


@admin.register(TariffVersion)
class TariffVersionAdmin(BelgianNumbersMixin, admin.ModelAdmin):
    form = TariffVersionForm
    list_display = [
        "id",
        "valid_from",
        "in_force",
        "reference_index",
        "loading",
        "policy_fee_eur",
        "minimum_premium_eur",
        "state",
        "note_short",
        "new_version_link",
    ]
    ordering = ["-valid_from", "-id"]
    # A new version is a draft (the model's default), approved after its impact is seen.
    readonly_fields = ["state", "created_by", "created_at"]
    fieldsets = [
        (
            None,
            {
                "description": _(
                    "Saving creates a new tariff version, in force from its date. Versions are "
                    "never changed, so stored quotes keep the one they were priced with."
                ),
                "fields": (*TariffVersionForm.Meta.fields, "state"),
            },
        )
    ]

    actions = ["simulate_impact"]

    def get_fieldsets(self, request: HttpRequest, obj: Model | None = None) -> Any:
        if obj is None:
            return self.fieldsets
        # A stored version is read, never changed: its amounts as staff read them.
        shown = (
            "valid_from",
            "reference_index",
            "loading",
            "policy_fee_eur",
            "minimum_premium_eur",
            "state",
            "note",
            "created_by",
            "created_at",
        )
        return [(None, {"fields": shown})]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        if obj is None:
            return self.readonly_fields
        return self.get_fieldsets(request, obj)[0][1]["fields"]

    @admin.action(description=_("Simulate the impact of this tariff version"))
    def simulate_impact(
        self, request: HttpRequest, queryset: QuerySet[TariffVersion]
    ) -> HttpResponse | None:
        return impact_simulate_one(
            self, request, queryset, lambda version: Scenario(tariff_version=version.pk)
        )

    @admin.display(description=_("In force today"), boolean=True)
    def in_force(self, version: TariffVersion) -> bool:
        try:
            return tariff_get_current(on=timezone.localdate()).id == version.pk
        except ApplicationError:
            return False

    @admin.display(description=_("Reference index"))
    def reference_index(self, version: TariffVersion) -> str:
        return (
            f"{version.reference_month:%m/%Y} ("
            + gettext("base %(year)s") % {"year": version.reference_base_year}
            + ")"
        )

    @admin.display(description=_("note"))
    def note_short(self, version: TariffVersion) -> str:
        return Truncator(version.note).chars(NOTE_SHOWN)

    @admin.display(description=_("Commercial loading"))
    def loading(self, version: TariffVersion) -> str:
        return percent(version.commercial_loading * 100, 1)

    @admin.display(description=_("Policy fee"))
    def policy_fee_eur(self, version: TariffVersion) -> str:
        return euros(version.policy_fee)

    @admin.display(description=_("Minimum premium"))
    def minimum_premium_eur(self, version: TariffVersion) -> str:
        return euros(version.minimum_premium)

    @admin.display(description="")
    def new_version_link(self, version: TariffVersion) -> str:
        url = reverse("admin:tariffs_tariffversion_add")
        return format_html(
            '<a href="{}?from={}">{}</a>', url, version.pk, gettext("New version from this one")
        )

    def get_urls(self) -> list[URLPattern]:
        approve = path(
            "<int:version_id>/approve/",
            self.admin_site.admin_view(self.approve_view),
            name="tariffs_tariffversion_approve",
        )
        return [approve, *super().get_urls()]

    def approve_view(self, request: HttpRequest, version_id: int) -> HttpResponse:
        """GET: the draft with its evidence beside the button; POST: approve, by another person
        than its author."""
        version = TariffVersion.objects.filter(pk=version_id).first()
        if version is None:
            raise Http404(gettext("There is no tariff version %(id)s.") % {"id": version_id})
        if not request.user.has_perm("tariffs.approve_tariffversion"):
            raise PermissionDenied
        start = date_format(version.valid_from, "SHORT_DATE_FORMAT")
        return approval_view(
            self,
            request,
            not_draft=gettext("Tariff version %(id)s is already approved.") % {"id": version.pk}
            if version.state == DraftState.APPROVED
            else None,
            approve=lambda reason: tariff_version_approve(
                version=version, approved_by=request.user, reason=reason
            ),
            approved=gettext("Tariff version %(id)s is approved: quotes use it from %(start)s.")
            % {"id": version.pk, "start": start},
            title=gettext("Approve tariff version %(id)s?") % {"id": version.pk},
            subject=gettext(
                "In force from %(start)s once approved: loading %(loading)s, policy fee "
                "%(fee)s, minimum premium %(minimum)s. Stored quotes keep their version."
            )
            % {
                "start": start,
                "loading": percent(version.commercial_loading * 100, 1),
                "fee": euros(version.policy_fee),
                "minimum": euros(version.minimum_premium),
            },
            confirm=gettext("Approve tariff version %(id)s") % {"id": version.pk},
            evidence=approval_evidence_get(
                kind="tariff_version", object_id=version.pk, drafted_at=version.created_at
            ),
            detail_url=reverse("admin:tariffs_tariffversion_change", args=[version_id]),
        )

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """ "New version from this one": the form starts from that version's values."""
        source_id = request.GET.get("from", "")
        source = TariffVersion.objects.filter(pk=source_id).first() if source_id.isdigit() else None
        if source is None:
            return super().get_changeform_initial_data(request)
        return {
            "reference_base_year": source.reference_base_year,
            "reference_month": source.reference_month,
            "commercial_loading": source.commercial_loading,
            "policy_fee": source.policy_fee,
            "minimum_premium": source.minimum_premium,
            "note": gettext("From version %(id)s") % {"id": source.pk},
        }

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # A change is a new version: stored quotes keep the one they used.

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        tariff_version_create(version=obj, created_by=request.user)
