"""Admin of the stored quotes: found by id, zipcode, brand or date; read-only, with their
breakdown and their price with today's tables; their personal data exported or erased, and the
record of what was done with it."""

import datetime
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from mlmodels.admin import ReadOnlyAdmin
from mlmodels.factors import VARIABLE_LABELS, level_shown
from pricing_site.admin import EstimatedCountPaginator
from pricing_site.exceptions import ApplicationError
from pricing_site.numbers import decimal_shown, euros, factor, percent
from strategies.models import Fuel
from strategies.selectors import brand_spellings
from tariffs.admin.common import STEP_LABELS, used_shown
from tariffs.models import QUOTE_BRAND_UPPER, Quote, QuotePrivacyAction
from tariffs.selectors import quote_get, tariff_get
from tariffs.services import (
    quote_frequency_explain,
    quote_reprice_compare,
)
from tariffs.services.privacy import quote_personal_data, quotes_erase
from zipcodes.selectors import risk_class_factors_get

# What the quote page shows, in the order people read a quote.
QUOTE_FIELDS: tuple[str, ...] = (
    "premium_eur",
    "quote_date",
    "created_at",
    "inputs_table",
    "breakdown_table",
    "frequency_explained",
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
    "anonymised_at",
)


ERASED_AT_ONCE = 100
DATE_RANGE_SEPARATOR = re.compile(r"\s+[-–]\s+|\s*\.\.\s*")


def quote_dates_parse(term: str) -> tuple[datetime.date, datetime.date] | None:
    """A day, or a first and last day apart by " - " or "..", in the admin's date formats
    (dd/mm/yyyy or ISO); None when *term* is not one."""
    parts = DATE_RANGE_SEPARATOR.split(term)
    if len(parts) > 2:
        return None
    try:
        days = [forms.DateField().clean(part) for part in parts]
    except ValidationError:
        return None
    return min(days), max(days)


class RiskClassFilter(admin.SimpleListFilter):
    """The risk classes as the zipcode table defines them: Django's own filter would read every
    quote to find which classes occur."""

    title = _("risk class")
    parameter_name = "risk_class"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(code, code) for code in sorted(risk_class_factors_get())]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(risk_class=self.value()) if self.value() else queryset


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
    # Every filter, search and the order are served by an index at millions of quotes (the
    # model's indexes; bench/scale.py measures them). No date hierarchy: it reads every row's
    # date to list the years; the quote-date filter and a date range in the search replace it.
    list_filter = [
        "quote_date",
        RiskClassFilter,
        ("anonymised_at", admin.EmptyFieldListFilter),
    ]
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    actions = ["erase_personal_data"]
    change_form_template = "admin/tariffs/quote/change_form.html"
    # Every field is shown, none edited: a stored quote is a record.
    fields = readonly_fields = QUOTE_FIELDS
    # Shows the search box; get_search_results below decides what a term finds.
    search_fields = ["inputs__brand"]
    search_help_text = _(
        "A quote number, a zipcode, a brand (its name or an alias), a quote date (dd/mm/yyyy) "
        "or a range of dates (01/11/2026 - 30/11/2026)."
    )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        """A number is a quote id or a zipcode, a Belgian or ISO date (or two, a range) the
        quote date, anything else a brand: its name or any alias finds them all, in any case."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if term.isdigit():
            return queryset.filter(Q(pk=int(term)) | Q(inputs__zipcode=int(term))), False
        days = quote_dates_parse(term)
        if days is not None:
            return queryset.filter(quote_date__range=days), False
        spellings = [spelling.upper() for spelling in brand_spellings(name=term)]
        found = queryset.alias(brand_upper=QUOTE_BRAND_UPPER).filter(brand_upper__in=spellings)
        return found, False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # A stored quote is the record of what a customer was offered: never deleted here.
        return False

    def has_erase_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("tariffs.erase_quote")

    @admin.action(
        description=_("Erase the personal data of the selected quotes…"), permissions=["erase"]
    )
    def erase_personal_data(
        self, request: HttpRequest, queryset: QuerySet[Quote]
    ) -> HttpResponse | None:
        """A confirmation page first (it cannot be undone), then the erasure, with its reason.
        An erasure answers one person's request: at most ERASED_AT_ONCE quotes (never "all
        5,000,000" selected by mistake)."""
        quotes = list(queryset.order_by("pk")[: ERASED_AT_ONCE + 1])
        if len(quotes) > ERASED_AT_ONCE:
            self.message_user(
                request,
                gettext("Select at most %(count)d quotes to erase at once.")
                % {"count": ERASED_AT_ONCE},
                messages.ERROR,
            )
            return None
        if request.POST.get("confirm") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": gettext("Erase the personal data of %(count)s quotes?")
                % {"count": len(quotes)},
                "quotes": quotes,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/tariffs/quote/erase.html", context)
        action = quotes_erase(
            quotes=quotes, erased_by=request.user, reason=request.POST.get("reason", "")[:500]
        )
        self.message_user(
            request,
            ngettext(
                "The personal data of %(count)d quote is erased.",
                "The personal data of %(count)d quotes is erased.",
                action.quotes,
            )
            % {"count": action.quotes},
            messages.SUCCESS,
        )
        return None

    def personal_data_view(self, request: HttpRequest, quote_id: int) -> HttpResponse:
        """What is held about the person behind the quote, as a JSON download (recorded)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        data = quote_personal_data(quote=quote_get(quote_id=quote_id), exported_by=request.user)
        response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
        response["Content-Disposition"] = f'attachment; filename="quote-{quote_id}.json"'
        return response

    def get_urls(self) -> list[URLPattern]:
        personal_data = path(
            "<int:quote_id>/personal-data/",
            self.admin_site.admin_view(self.personal_data_view),
            name="tariffs_quote_personal_data",
        )
        return [personal_data, *super().get_urls()]

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
        return decimal_shown(quote.frequency, 4)

    @admin.display(description=_("Policy"))
    def inputs_table(self, quote: Quote) -> SafeString:
        """What the customer asked a price for, one line per answer."""
        return format_html(
            "<table>{}</table>",
            format_html_join(
                "",
                "<tr><th>{}</th><td>{}</td></tr>",
                (
                    (INPUT_LABELS.get(name, name), input_shown(name, value))
                    for name, value in quote.inputs.items()
                ),
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
            '<p id="reproduced">{}: {} ({})</p><p id="priced-today">{}: {} ({})</p>{}',
            gettext("With its stored references"),
            euros(repricing.reproduced.premium),
            reproduced,
            gettext("With today's tables"),
            euros(repricing.today.premium),
            percent(repricing.change_percent, signed=True),
            steps_table(repricing.today.breakdown, table_id="breakdown-today"),
        )

    @admin.display(description=_("Why this frequency"))
    def frequency_explained(self, quote: Quote) -> SafeString:
        """How the driver's and vehicle's characteristics moved the expected claim frequency
        from the model's average policy, then the zone."""
        if quote.anonymised_at is not None:
            return format_html("<p>{}</p>", gettext("Not kept: the quote is anonymised."))
        explanation = quote_frequency_explain(quote=quote)
        if explanation is None:
            return format_html(
                "<p>{}</p>", gettext("This quote's frequency model cannot take it apart.")
            )
        rows = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
            (
                (VARIABLE_LABELS.get(name, name), level_shown(name, str(value)), factor(ratio, 3))
                for name, value, ratio in explanation.factors
            ),
        )
        return format_html(
            '<table id="frequency-explained"><tr><th>{}</th><td></td><td>{}</td></tr>{}'
            "<tr><th>{}</th><td></td><td>{}</td></tr><tr><th>{}</th><td></td><td>{}</td></tr>"
            "</table>",
            gettext("Average policy (claims per year)"),
            decimal_shown(explanation.average, 4),
            rows,
            gettext("This quote (claims per year)"),
            decimal_shown(explanation.frequency, 4),
            gettext("Then its zone"),
            factor(explanation.zone_factor, 2),
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
                step_explained(step),
                euros(Decimal(step["amount"])),
                format_html_join(
                    ", ",
                    "{}: {}",
                    (
                        (USED_LABELS.get(name, name.replace("_", " ")), used_link(name, used))
                        for name, used in step.get("uses", {}).items()
                        if name not in STORED_TEXTS
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
    if isinstance(value, bool):
        return format_html("{}", gettext("yes") if value else gettext("no"))
    if name in ("priced_as_fuel",) and value in Fuel.values:
        return format_html("{}", Fuel(value).label)
    if name == "level":
        return format_html("{}", LEVEL_LABELS.get(value, value))
    return format_html("{}", used_shown(value))


# What each reference of a step is, as staff say it.
USED_LABELS = {
    "frequency_model_version": _("frequency model"),
    "frequency": _("claims per year"),
    "severity_model_version": _("severity model"),
    "severity": _("cost of a claim"),
    "large_claim_loading": _("large-claim loading"),
    "priced_as_fuel": _("priced as"),
    "zipcode": _("zipcode"),
    "risk_class": _("risk class"),
    "factor": _("factor"),
    "rule": _("rule"),
    "adjustment_percent": _("adjustment (%)"),
    "level": _("level"),
    "brand": _("brand"),
    "brand_known": _("brand known"),
    "base_year": _("base year"),
    "month": _("month"),
    "value": _("value"),
    "stale": _("late"),
    "reference_month": _("reference month"),
    "reference_value": _("reference value"),
    "tariff_version": _("tariff version"),
}
LEVEL_LABELS = {
    "brand+fuel": _("brand and fuel"),
    "brand": _("brand"),
    "fuel": _("fuel"),
    "default": _("default"),
    "none": _("none"),
}
# Sentences stored with the quote in the language it was priced in: the explanation says them.
STORED_TEXTS = ("reason", "fuel_mapping")


def step_explained(step: dict[str, Any]) -> str:
    """What a step did, written from its references in the reader's language; a quote stored
    before a step carried all of them keeps its stored sentence."""
    uses = step.get("uses", {})
    name = step["step"]
    try:
        if name == "expected_claim_cost":
            text = gettext(
                "%(frequency)s claims a year × %(severity)s a claim × (1 + large-claim loading "
                "%(loading)s)"
            ) % {
                "frequency": decimal_shown(uses["frequency"], 6),
                "severity": euros(uses["severity"]),
                "loading": decimal_shown(uses["large_claim_loading"], 4),
            }
            if uses.get("priced_as_fuel") and uses.get("fuel_mapping"):
                text += "; " + gettext("priced as %(fuel)s, a fuel the models know") % {
                    "fuel": Fuel(uses["priced_as_fuel"]).label
                    if uses["priced_as_fuel"] in Fuel.values
                    else uses["priced_as_fuel"]
                }
            return text
        if name == "zone":
            return gettext(
                "× zone factor %(factor)s (where the car is kept: the only place location "
                "enters the premium)"
            ) % {"factor": decimal_shown(uses["factor"], 2)}
        if name == "strategy":
            return gettext("× (1 %(percent)s)") % {
                "percent": percent(uses["adjustment_percent"], signed=True)
            }
        if name == "indexation":
            return gettext("× health index %(value)s / reference %(reference)s") % {
                "value": decimal_shown(uses["value"], 2),
                "reference": decimal_shown(uses["reference_value"], 2),
            }
        if name in ("loading", "fee", "minimum"):
            tariff = tariff_get(tariff_id=uses["tariff_version"])
            return {
                "loading": gettext("× (1 + commercial loading %(loading)s)")
                % {"loading": percent(tariff.commercial_loading * 100, 1)},
                "fee": gettext("+ policy fee %(fee)s") % {"fee": euros(tariff.policy_fee)},
                "minimum": gettext("at least the minimum premium %(minimum)s")
                % {"minimum": euros(tariff.minimum_premium)},
            }[name]
    except (KeyError, StopIteration):
        pass
    return step.get("explanation", "")


USES = {"private": _("Private"), "work": _("Work")}


def input_shown(name: str, value: Any) -> str:
    """An answer as staff read it: a yes / no, a fuel or use by its label, a Belgian date."""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if name == "fuel" and value in Fuel.values:
        return str(Fuel(value).label)
    if name == "use":
        return str(USES.get(value, value))
    if name == "date" and value:
        return date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
    return "-" if value in (None, "") else str(value)


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
    # What an anonymised quote keeps instead (tariffs/services/privacy.py).
    "province": _("Province"),
    "age_band": _("Driver age (band)"),
    "power_band": _("Power (kW, band)"),
    "bonus_malus_band": _("Bonus-malus (band)"),
}


@admin.register(QuotePrivacyAction)
class QuotePrivacyActionAdmin(ReadOnlyAdmin):
    """What was done with quotes' personal data: retention, erasures, exports (never edited)."""

    list_display = ["performed_at", "kind", "quotes", "performed_by"]
    list_filter = ["kind", "performed_at"]
    fields = ["performed_at", "kind", "quotes", "performed_by", "detail"]
