"""Admin for business staff: brands and aliases, pricing rules (with a preview), fuel mappings.
Simulating and approving a rule are the tariff's (tariffs.admin extends this admin)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from pricing_site.admin import SharedLookupsMixin
from pricing_site.exceptions import ApplicationError
from pricing_site.forms import BelgianNumbersMixin
from strategies.models import (
    Brand,
    BrandAlias,
    DraftState,
    Fuel,
    FuelMapping,
    PricingRule,
)
from strategies.selectors import (
    pricing_rule_in_force,
    pricing_rule_resolve,
)
from strategies.services import (
    RULE_TERMS,
    brand_alias_delete,
    brand_alias_save,
    brand_delete,
    brand_save,
    fuel_mapping_delete,
    fuel_mapping_save,
    pricing_rule_delete,
    pricing_rule_save,
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
    fuel = forms.ChoiceField(label=_("Fuel"), choices=Fuel.choices)
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

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """An approved rule's terms are in force: only its note changes (its end is proposed
        and approved on its own pages)."""
        if obj is not None and obj.state == DraftState.APPROVED:
            return [*RULE_TERMS, "end_proposed_on", "end_proposed_by", *self.readonly_fields]
        return self.readonly_fields

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None or obj.state != DraftState.APPROVED:
            return ["end_proposed_on", "end_proposed_by"]  # a draft has no end to approve
        return None

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting an approved rule would take its price out of force without a second person.
        if obj is not None and obj.state == DraftState.APPROVED:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("In force today"), boolean=True)
    def in_force(self, rule: PricingRule) -> bool:
        return pricing_rule_in_force(rule=rule, on=timezone.localdate())

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        pricing_rule_save(rule=obj, changed_by=request.user)

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
        return [preview, *super().get_urls()]

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
