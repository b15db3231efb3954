"""Admin for business staff: the zipcode table (edit, search, import, export, history)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import F, Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from pricing_site.admin import SharedLookupsMixin
from pricing_site.exceptions import ApplicationError
from pricing_site.forms import BelgianNumbersMixin
from zipcodes.models import RiskClass, Zipcode, ZoningProposal
from zipcodes.services import zipcode_file_lines, zipcode_load_csv, zoning_proposal_approve


class ZipcodeResource(resources.ModelResource):
    """Exports in the headered import layout, so an export can be edited and imported again."""

    zipcode = fields.Field(attribute="code", column_name="zipcode")
    risk_class = fields.Field(attribute="risk_class_id", column_name="risk_class")
    municipality = fields.Field(attribute="municipality", column_name="municipality")

    class Meta:
        model = Zipcode
        fields = ["zipcode", "risk_class", "municipality"]
        export_order = ["zipcode", "risk_class", "municipality"]


class ZipcodeImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (separated by ',' or ';', UTF-8) or XLSX, with a header "
            "'zipcode,risk_class[,municipality]', or the legacy lines '9000,B' and '9170-9240,A'."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run"),
        required=False,
        help_text=_("Only count what would change; write nothing."),
    )


@admin.register(Zipcode)
class ZipcodeAdmin(SharedLookupsMixin, ExportMixin, SimpleHistoryAdmin):
    resource_classes = [ZipcodeResource]
    change_list_template = "admin/zipcodes/zipcode/change_list_import.html"
    list_display = ["code", "risk_class", "municipality", "province", "updated_at"]
    list_editable = ["risk_class"]
    list_filter = ["risk_class"]
    search_fields = ["=code", "municipality"]
    ordering = ["code"]
    list_per_page = 100

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        # The code is the row's identity: changing it would orphan cached lookups and history.
        return ["code", "updated_at"] if obj else ["updated_at"]

    def get_urls(self) -> list[URLPattern]:
        import_url = path(
            "import-csv/",
            self.admin_site.admin_view(self.import_csv_view),
            name="zipcodes_zipcode_import_csv",
        )
        return [import_url, *super().get_urls()]

    def import_csv_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request) or not self.has_add_permission(request):
            raise PermissionDenied
        form = ZipcodeImportForm(request.POST or None, request.FILES or None)
        errors: list[dict] = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = zipcode_load_csv(
                    lines=zipcode_file_lines(upload.read()),
                    dry_run=form.cleaned_data["dry_run"],
                    changed_by=request.user,
                )
            except ApplicationError as error:
                messages.error(request, error.message)
                errors = error.extra.get("errors", [])
            else:
                messages.success(
                    request,
                    gettext("Zipcode file %(name)s: %(report)s")
                    % {"name": upload.name, "report": report},
                )
                return HttpResponseRedirect(reverse("admin:zipcodes_zipcode_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Import zipcodes from CSV"),
            "form": form,
            "errors": errors,
        }
        return TemplateResponse(request, "admin/zipcodes/zipcode/import_csv.html", context)


@admin.register(RiskClass)
class RiskClassAdmin(BelgianNumbersMixin, SimpleHistoryAdmin):
    list_display = ["code", "factor", "description"]
    list_editable = ["factor"]
    ordering = ["code"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # A, B and C are fixed; only their factors change.

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(ZoningProposal)
class ZoningProposalAdmin(admin.ModelAdmin):
    """Proposals are computed, reviewed and approved; staff never type their numbers."""

    change_form_template = "admin/zipcodes/zoningproposal/change_form.html"
    list_display = ["id", "dataset", "classes", "state", "created_at", "approved_at"]
    list_filter = ["state"]
    ordering = ["-created_at"]
    fields = (
        "dataset",
        "classes",
        "credibility_k",
        "bandwidth_km",
        "state",
        "error",
        "created_by",
        "created_at",
        "approved_by",
        "approved_at",
    )
    readonly_fields = fields
    actions = ["simulate_impact"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.action(description=_("Simulate the impact of this zoning on the premiums"))
    def simulate_impact(
        self, request: HttpRequest, queryset: QuerySet[ZoningProposal]
    ) -> HttpResponse | None:
        from strategies.admin import impact_simulate_one  # the premium lives in strategies
        from strategies.services import Scenario

        return impact_simulate_one(
            self, request, queryset, lambda proposal: Scenario(zoning_proposal=proposal.pk)
        )

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("zipcodes.approve_zoningproposal")

    def get_urls(self) -> list[URLPattern]:
        approve = path(
            "<int:proposal_id>/approve/",
            self.admin_site.admin_view(self.approve_view),
            name="zipcodes_zoningproposal_approve",
        )
        return [approve, *super().get_urls()]

    def approve_view(self, request: HttpRequest, proposal_id: int) -> HttpResponse:
        if request.method != "POST" or not self.has_approve_permission(request):
            raise PermissionDenied
        proposal = ZoningProposal.objects.filter(pk=proposal_id).first()
        if proposal is None:
            raise Http404
        try:
            zoning_proposal_approve(proposal=proposal, approved_by=request.user)
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
        else:
            self.message_user(
                request,
                gettext("Zoning proposal %(id)s applied: classes and factors are in force.")
                % {"id": proposal.pk},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(
            reverse("admin:zipcodes_zoningproposal_change", args=[proposal_id])
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        proposal = ZoningProposal.objects.filter(pk=object_id).first()
        if proposal is None:
            raise Http404
        moved = proposal.zipcodes.exclude(current_class="").exclude(
            current_class=F("proposed_class")
        )
        context = {
            "proposal": proposal,
            "moved": moved[:MOVED_SHOWN],
            "moved_not_shown": max(0, proposal.summary.get("changed_postcodes", 0) - MOVED_SHOWN),
            "can_approve": self.has_approve_permission(request)
            and proposal.state == ZoningProposal.State.DRAFT,
        }
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), **context}
        )


MOVED_SHOWN = 200
