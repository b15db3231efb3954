"""Admin for business staff: brands and aliases, pricing rules (with a preview), tariffs, quotes."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from mlmodels.selectors import dataset_latest_get
from pricing_site.admin import SharedLookupsMixin
from pricing_site.exceptions import ApplicationError, NotFoundError
from pricing_site.forms import BelgianDecimalField, BelgianNumbersMixin
from strategies.models import (
    Brand,
    BrandAlias,
    DraftState,
    Fuel,
    FuelMapping,
    ImpactAnalysis,
    PricingRule,
    Quote,
    TariffVersion,
)
from strategies.selectors import (
    impact_analysis_get,
    impact_analysis_latest_for,
    pricing_rule_in_force,
    pricing_rule_resolve,
    tariff_get_current,
)
from strategies.services import (
    Scenario,
    brand_alias_delete,
    brand_alias_save,
    brand_delete,
    brand_save,
    fuel_mapping_delete,
    fuel_mapping_save,
    impact_analysis_create,
    pricing_rule_approve,
    pricing_rule_delete,
    pricing_rule_save,
    quote_reprice_compare,
    tariff_version_approve,
    tariff_version_create,
)


class BrandAliasInline(admin.TabularInline):
    model = BrandAlias
    extra = 1


@admin.register(Brand)
class BrandAdmin(SimpleHistoryAdmin):
    inlines = [BrandAliasInline]
    list_display = ["name", "alias_list"]
    search_fields = ["name", "aliases__alias"]
    ordering = ["name"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        brand_save(brand=obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for alias in formset.save(commit=False):
            brand_alias_save(alias=alias)
        for alias in formset.deleted_objects:
            brand_alias_delete(alias=alias)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        brand_delete(brand=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for brand in queryset:
            brand_delete(brand=brand)

    @admin.display(description=_("aliases"))
    def alias_list(self, brand: Brand) -> str:
        return ", ".join(alias.alias for alias in brand.aliases.all())

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).prefetch_related("aliases")


class RulePreviewForm(forms.Form):
    brand = forms.CharField(
        label=_("Brand"), required=False, help_text=_("Any spelling or alias; empty for none.")
    )
    fuel = forms.ChoiceField(choices=Fuel.choices)
    date = forms.DateField(label=_("Date"), initial=timezone.localdate, help_text=_("dd/mm/yyyy"))


@admin.register(PricingRule)
class PricingRuleAdmin(BelgianNumbersMixin, SharedLookupsMixin, SimpleHistoryAdmin):
    change_list_template = "admin/strategies/pricingrule/change_list.html"
    list_display = [
        "id",
        "brand",
        "fuel",
        "adjustment_percent",
        "valid_from",
        "valid_to",
        "state",
        "in_force",
        "note",
        "changed_by",
    ]
    list_filter = ["state", "is_active", "fuel", "brand"]
    search_fields = ["brand__name", "note"]
    ordering = ["brand__name", "fuel", "-valid_from"]
    # A new rule is a draft (the model's default): approval is its own step, with its analysis
    # beside the button, never a form field.
    readonly_fields = ["state", "changed_by", "updated_at"]

    actions = ["simulate_impact"]

    @admin.display(description=_("In force today"), boolean=True)
    def in_force(self, rule: PricingRule) -> bool:
        return pricing_rule_in_force(rule=rule, on=timezone.localdate())

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        pricing_rule_save(rule=obj, changed_by=request.user)

    @admin.action(description=_("Simulate the impact of the selected rules"))
    def simulate_impact(
        self, request: HttpRequest, queryset: QuerySet[PricingRule]
    ) -> HttpResponse | None:
        return impact_simulate(
            self, request, Scenario(rules=tuple(queryset.values_list("pk", flat=True)))
        )

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("strategies.approve_pricingrule")

    def approve_view(self, request: HttpRequest, rule_id: int) -> HttpResponse:
        """GET: the draft with its latest impact analysis beside the button; POST: approve."""
        rule = PricingRule.objects.filter(pk=rule_id).select_related("brand").first()
        if rule is None:
            raise Http404(gettext("There is no pricing rule %(id)s.") % {"id": rule_id})
        if not self.has_approve_permission(request):
            raise PermissionDenied
        detail = reverse("admin:strategies_pricingrule_change", args=[rule_id])
        if rule.state == DraftState.APPROVED:
            self.message_user(
                request, gettext("Rule #%(id)s is already approved.") % {"id": rule.pk}
            )
            return HttpResponseRedirect(detail)
        if request.method == "POST":
            try:
                pricing_rule_approve(rule=rule, approved_by=request.user)
            except ApplicationError as error:
                self.message_user(request, error.message, messages.ERROR)
            except ValidationError as error:
                self.message_user(request, "; ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("Rule #%(id)s is approved: quotes use it from %(start)s.")
                    % {"id": rule.pk, "start": date_format(rule.valid_from, "SHORT_DATE_FORMAT")},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(detail)
        subject = gettext(
            "%(scope)s: %(percent)s %% from %(start)s. Once approved, every new quote it "
            "applies to uses it; stored quotes keep theirs."
        ) % {
            "scope": rule.scope,
            "percent": rule.adjustment_percent,
            "start": date_format(rule.valid_from, "SHORT_DATE_FORMAT"),
        }
        return approval_page(
            self,
            request,
            title=gettext("Approve rule #%(id)s?") % {"id": rule.pk},
            subject=subject,
            confirm=gettext("Approve rule #%(id)s") % {"id": rule.pk},
            analysis=impact_analysis_latest_for(kind="rules", object_id=rule.pk),
            cancel_url=detail,
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        pricing_rule_delete(rule=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for rule in queryset:
            pricing_rule_delete(rule=rule)

    def get_urls(self) -> list[URLPattern]:
        preview = path(
            "preview/",
            self.admin_site.admin_view(self.preview_view),
            name="strategies_pricingrule_preview",
        )
        approve = path(
            "<int:rule_id>/approve/",
            self.admin_site.admin_view(self.approve_view),
            name="strategies_pricingrule_approve",
        )
        return [preview, approve, *super().get_urls()]

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        form = RulePreviewForm(request.GET or None)
        resolution = None
        if form.is_valid():
            try:
                resolution = pricing_rule_resolve(
                    brand=form.cleaned_data["brand"] or None,
                    fuel=form.cleaned_data["fuel"],
                    on=form.cleaned_data["date"],
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Which rule applies?"),
            "form": form,
            "resolution": resolution,
        }
        return TemplateResponse(request, "admin/strategies/pricingrule/preview.html", context)


@admin.register(FuelMapping)
class FuelMappingAdmin(SimpleHistoryAdmin):
    """Electric → priced as petrol, then its own pricing rule adjusts it."""

    list_display = ["fuel", "priced_as", "note"]
    ordering = ["fuel"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        fuel_mapping_save(mapping=obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        fuel_mapping_delete(mapping=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for mapping in queryset:
            fuel_mapping_delete(mapping=mapping)


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
        return f"{version.commercial_loading * 100:.1f} %"

    @admin.display(description=_("Policy fee"))
    def policy_fee_eur(self, version: TariffVersion) -> str:
        return euros(version.policy_fee)

    @admin.display(description=_("Minimum premium"))
    def minimum_premium_eur(self, version: TariffVersion) -> str:
        return euros(version.minimum_premium)

    @admin.display(description="")
    def new_version_link(self, version: TariffVersion) -> str:
        url = reverse("admin:strategies_tariffversion_add")
        return format_html(
            '<a href="{}?from={}">{}</a>', url, version.pk, gettext("New version from this one")
        )

    def get_urls(self) -> list[URLPattern]:
        approve = path(
            "<int:version_id>/approve/",
            self.admin_site.admin_view(self.approve_view),
            name="strategies_tariffversion_approve",
        )
        return [approve, *super().get_urls()]

    def approve_view(self, request: HttpRequest, version_id: int) -> HttpResponse:
        """GET: the draft with its latest impact analysis beside the button; POST: approve."""
        version = TariffVersion.objects.filter(pk=version_id).first()
        if version is None:
            raise Http404(gettext("There is no tariff version %(id)s.") % {"id": version_id})
        if not request.user.has_perm("strategies.add_tariffversion"):
            raise PermissionDenied
        detail = reverse("admin:strategies_tariffversion_change", args=[version_id])
        if version.state == DraftState.APPROVED:
            self.message_user(
                request,
                gettext("Tariff version %(id)s is already approved.") % {"id": version.pk},
            )
            return HttpResponseRedirect(detail)
        if request.method == "POST":
            try:
                tariff_version_approve(version=version)
            except ApplicationError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("Tariff version %(id)s is approved: quotes use it from %(start)s.")
                    % {
                        "id": version.pk,
                        "start": date_format(version.valid_from, "SHORT_DATE_FORMAT"),
                    },
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(detail)
        return approval_page(
            self,
            request,
            title=gettext("Approve tariff version %(id)s?") % {"id": version.pk},
            subject=gettext(
                "In force from %(start)s once approved: loading %(loading)s %%, policy fee "
                "%(fee)s, minimum premium %(minimum)s. Stored quotes keep their version."
            )
            % {
                "start": date_format(version.valid_from, "SHORT_DATE_FORMAT"),
                "loading": f"{version.commercial_loading * 100:.1f}",
                "fee": euros(version.policy_fee),
                "minimum": euros(version.minimum_premium),
            },
            confirm=gettext("Approve tariff version %(id)s") % {"id": version.pk},
            analysis=impact_analysis_latest_for(kind="tariff_version", object_id=version.pk),
            cancel_url=detail,
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


def used_shown(value: Any) -> str:
    """A reference a step used, shown as people read it (a float to six decimals)."""
    return f"{value:.6f}" if isinstance(value, float) else str(value)


def euros(amount: Decimal) -> str:
    """An amount in the active language's number format: € 1.234,56 in Dutch and French."""
    return f"€ {number_format(amount, decimal_pos=2, force_grouping=True)}"


NOTE_SHOWN = 40  # characters of a note in a list; the whole note is on the detail page

# What the quote page shows, in the order people read a quote.
QUOTE_FIELDS: tuple[str, ...] = (
    "premium_eur",
    "quote_date",
    "created_at",
    "inputs_table",
    "breakdown_table",
    "repricing",
    "frequency_per_year",
    "severity",
    "risk_class",
    "zone_factor",
    "adjustment_percent",
    "model_version",
    "severity_model_version",
    "pricing_rule",
    "tariff",
    "index_base_year",
    "index_month",
    "requested_by",
)


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    # Short cells so that the list fits a 1366 px screen; everything is on the quote's page.
    list_display = [
        "id",
        "premium_eur",
        "quote_date",
        "zipcode",
        "brand",
        "risk_class",
        "created_at",
    ]
    list_filter = ["quote_date", "risk_class"]
    date_hierarchy = "created_at"
    # Every field is shown, none edited: a stored quote is a record.
    fields = readonly_fields = QUOTE_FIELDS
    search_fields = ["inputs__brand"]
    search_help_text = _("A quote number, a zipcode, a brand or a quote date (dd/mm/yyyy).")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        """A number is a quote id or a zipcode, a Belgian or ISO date the quote date, anything
        else part of the brand."""
        term = search_term.strip()
        if term.isdigit():
            return queryset.filter(Q(pk=int(term)) | Q(inputs__zipcode=int(term))), False
        try:  # the admin's date formats: dd/mm/yyyy or ISO
            day = forms.DateField().clean(term)
        except ValidationError:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(quote_date=day), False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # A stored quote is the record of what a customer was offered: never deleted here.
        return False

    @admin.display(description=_("Premium"), ordering="premium")
    def premium_eur(self, quote: Quote) -> str:
        return euros(quote.premium)

    @admin.display(description=_("Zipcode"))
    def zipcode(self, quote: Quote) -> str:
        return str(quote.inputs.get("zipcode", ""))

    @admin.display(description=_("Brand"))
    def brand(self, quote: Quote) -> str:
        return str(quote.inputs.get("brand", ""))

    @admin.display(description=_("Expected claims per year"))
    def frequency_per_year(self, quote: Quote) -> str:
        return f"{quote.frequency:.4f}"

    @admin.display(description=_("Policy"))
    def inputs_table(self, quote: Quote) -> SafeString:
        """What the customer asked a price for, one line per answer."""
        return format_html(
            "<table>{}</table>",
            format_html_join(
                "",
                "<tr><th>{}</th><td>{}</td></tr>",
                ((INPUT_LABELS.get(name, name), value) for name, value in quote.inputs.items()),
            ),
        )

    @admin.display(description=_("Priced again"))
    def repricing(self, quote: Quote) -> SafeString:
        """The quote reproduced from its references, and priced with today's tables."""
        try:
            repricing = quote_reprice_compare(quote=quote)
        except ApplicationError as error:
            return format_html("<p>{}</p>", error.message)
        reproduced = (
            gettext("equals the stored premium")
            if repricing.reproducible
            else gettext("differs from the stored premium")
        )
        return format_html(
            '<p id="reproduced">{}: {} ({})</p><p id="priced-today">{}: {} ({} %)</p>{}',
            gettext("With its stored references"),
            euros(repricing.reproduced.premium),
            reproduced,
            gettext("With today's tables"),
            euros(repricing.today.premium),
            f"{repricing.change_percent:+}",
            steps_table(repricing.today.breakdown, table_id="breakdown-today"),
        )

    @admin.display(description=_("Breakdown"))
    def breakdown_table(self, quote: Quote) -> SafeString:
        """Each step as the quote computed it: what it did, the amount after it, what it used
        (linked to the model version, rule, tariff version or zipcode it names)."""
        return steps_table(quote.breakdown, table_id="breakdown")


def steps_table(breakdown: list[dict[str, Any]], *, table_id: str) -> SafeString:
    """A quote's steps as a table: step, explanation, amount, what it used (linked)."""
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                STEP_LABELS.get(step["step"], step["step"]),
                step.get("explanation", ""),
                euros(Decimal(step["amount"])),
                format_html_join(
                    ", ",
                    "{}: {}",
                    (
                        (name.replace("_", " "), used_link(name, used))
                        for name, used in step.get("uses", {}).items()
                    ),
                ),
            )
            for step in breakdown
        ),
    )
    return format_html(
        '<table id="{}"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>'
        "</thead><tbody>{}</tbody></table>",
        table_id,
        gettext("Step"),
        gettext("Explanation"),
        gettext("Amount"),
        gettext("Used"),
        rows,
    )


# The admin page each reference of a breakdown opens (its id is the value stored).
USED_LINKS = {
    "frequency_model_version": "admin:mlmodels_modelversion_change",
    "severity_model_version": "admin:mlmodels_modelversion_change",
    "rule": "admin:strategies_pricingrule_change",
    "tariff_version": "admin:strategies_tariffversion_change",
}


def used_link(name: str, value: Any) -> SafeString:
    """A reference of a step, linked to what it names."""
    if name in USED_LINKS and value is not None:
        return format_html('<a href="{}">{}</a>', reverse(USED_LINKS[name], args=[value]), value)
    if name == "zipcode":
        url = reverse("admin:zipcodes_zipcode_changelist")
        return format_html('<a href="{}?q={}">{}</a>', url, value, value)
    return format_html("{}", used_shown(value))


STEP_LABELS = {
    "expected_claim_cost": _("Expected claim cost"),
    "zone": _("Zone"),
    "strategy": _("Strategy"),
    "indexation": _("Indexation"),
    "loading": _("Loading"),
    "fee": _("Policy fee"),
    "minimum": _("Minimum premium"),
}
INPUT_LABELS = {
    "zipcode": _("Zipcode"),
    "brand": _("Brand"),
    "fuel": _("Fuel"),
    "power_kw": _("Power (kW)"),
    "vehicle_age": _("Vehicle age"),
    "driver_age": _("Driver age"),
    "bonus_malus": _("Bonus-malus"),
    "coverage": _("Coverage"),
    "use": _("Use"),
    "fleet": _("Fleet"),
    "date": _("Date"),
}


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
    return TemplateResponse(request, "admin/strategies/approve.html", context)


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
    return HttpResponseRedirect(
        reverse("admin:strategies_impactanalysis_change", args=[analysis.pk])
    )


@admin.register(ImpactAnalysis)
class ImpactAnalysisAdmin(admin.ModelAdmin):
    """Analyses are started from a rule, a zoning proposal, a model or a tariff version (or the
    API) and read here; nothing in them is typed by hand."""

    change_form_template = "admin/strategies/impactanalysis/change_form.html"
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
        return f"{analysis.result['change_percent']:+.2f} %"

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:analysis_id>/policies.csv",
                self.admin_site.admin_view(self.csv_view),
                name="strategies_impactanalysis_csv",
            ),
            path(
                "<int:analysis_id>/report.html",
                self.admin_site.admin_view(self.report_view),
                name="strategies_impactanalysis_report",
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
            "strategies/impact_report.html",
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
    return {
        "analysis": analysis,
        "scenario": scenario_described(analysis.scenario),
        "dimensions": [(DIMENSION_LABELS.get(name, name), rows) for name, rows in groups.items()],
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
