"""Admin for business staff: the zipcode table (edit, search, import, export, history)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
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
from zipcodes.models import RiskClass, Zipcode
from zipcodes.selectors import zipcode_search
from zipcodes.services import zipcode_file_lines, zipcode_load_csv

EXPORTED_COLUMNS = [
    "zipcode",
    "risk_class",
    "municipality",
    "province",
    "other_names",
    "longitude",
    "latitude",
]


class ZipcodeResource(resources.ModelResource):
    """Exports in the headered import layout, so an export can be edited and imported again."""

    zipcode = fields.Field(attribute="code", column_name="zipcode")
    risk_class = fields.Field(attribute="risk_class_id", column_name="risk_class")
    municipality = fields.Field(attribute="municipality", column_name="municipality")
    province = fields.Field(attribute="province", column_name="province")
    other_names = fields.Field(attribute="other_names", column_name="other_names")
    longitude = fields.Field(attribute="longitude", column_name="longitude")
    latitude = fields.Field(attribute="latitude", column_name="latitude")

    class Meta:
        model = Zipcode
        fields = EXPORTED_COLUMNS
        export_order = EXPORTED_COLUMNS


class ZipcodeImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (separated by ',' or ';', UTF-8) or XLSX, with a header "
            "'zipcode,risk_class[,municipality][,province][,other_names][,longitude,latitude]', "
            "or the legacy lines "
            "'9000,B' and '9170-9240,A'."
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
    # By number, or by municipality in Dutch, French or German, case and accents aside.
    search_fields = ["=code"]
    search_help_text = _("A zipcode, or a municipality in any language: Luik, Liège, Lüttich.")
    ordering = ["code"]
    list_per_page = 100

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        if not search_term.strip():
            return queryset, False
        return queryset.filter(code__in=zipcode_search(term=search_term)), False

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        # The code is the row's identity: changing it would orphan cached lookups and history.
        # Coordinates come with the postcode file, from a public source (fixtures/README.md).
        located = ["longitude", "latitude", "updated_at"]
        return ["code", *located] if obj else located

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
