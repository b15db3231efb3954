"""Admin of the stored quotes: found by id, zipcode, brand or date; read-only, with their
breakdown and their price with today's tables."""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pricing_site.exceptions import ApplicationError
from tariffs.admin.common import euros, used_shown
from tariffs.models import Quote
from tariffs.services import (
    quote_reprice_compare,
)

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
    "tariff_version": "admin:tariffs_tariffversion_change",
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
