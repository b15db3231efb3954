"""Serializers of the tariff's API: the quote and its breakdown, pricing batches, impact
analyses, the change log."""

import csv
import datetime
import io
from collections.abc import Iterable, Iterator
from typing import Annotated, Any, Literal

import msgspec
from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from msgspec import structs
from rest_framework import serializers

from indices.api.serializers import MonthField
from mlmodels.schema import COLUMNS
from pricing_site.api import (
    FieldErrorSerializer,
    InputSerializer,
    JsonInputSerializer,
    PageInputSerializer,
    QueryInputSerializer,
)
from strategies.api.serializers import FUEL_SPELLINGS, BrandField, FuelField
from tariffs.models import ImpactAnalysis, PricingBatch, TariffChange
from tariffs.services.impact_results import cents_as_euros
from tariffs.services.portfolio import STEPS

COVERAGES = COLUMNS["coverage"].categories
USES = COLUMNS["use"].categories


class QuoteVehicleInputSerializer(JsonInputSerializer):
    brand = BrandField()
    fuel = FuelField()
    power_kw = serializers.IntegerField(min_value=1, max_value=1000)
    age = serializers.IntegerField(min_value=0, max_value=100, help_text="Vehicle age in years.")


class QuoteDriverInputSerializer(JsonInputSerializer):
    age = serializers.IntegerField(min_value=17, max_value=100)
    bonus_malus = serializers.IntegerField(min_value=0, max_value=22)


class QuoteCreateInputSerializer(JsonInputSerializer):
    zipcode = serializers.IntegerField(min_value=1000, max_value=9999)
    vehicle = QuoteVehicleInputSerializer()
    driver = QuoteDriverInputSerializer()
    coverage = serializers.ChoiceField(choices=COVERAGES)
    use = serializers.ChoiceField(choices=USES)
    fleet = serializers.BooleanField(default=False)
    date = serializers.DateField(required=False, help_text="Default: today.")

    def run_validation(self, data: Any = serializers.empty) -> Any:
        # A valid body, checked at once by msgspec (12 µs against the fields' 251 µs, in
        # process); any other goes through the fields, which name each fault.
        try:
            body = msgspec.convert(data, QuoteBody)
        except msgspec.ValidationError:
            return super().run_validation(data)
        checked = {
            **structs.asdict(body),
            "vehicle": structs.asdict(body.vehicle),
            "driver": structs.asdict(body.driver),
        }
        if body.date is msgspec.UNSET:
            del checked["date"]
        return checked


# The body QuoteCreateInputSerializer accepts, as msgspec types that accept no more than its
# fields (tests/test_serializers: the same validated data; refused bodies fall back to them).
# A brand as sent with nothing to trim: no NUL, no leading or trailing whitespace.
BRAND_AS_CHECKED = r"^[^\x00\s](?:[^\x00]*[^\x00\s])?$"


class QuoteVehicleBody(msgspec.Struct):
    brand: Annotated[str, msgspec.Meta(min_length=1, max_length=60, pattern=BRAND_AS_CHECKED)]
    fuel: Literal[tuple(FUEL_SPELLINGS)]  # type: ignore[valid-type]
    power_kw: Annotated[int, msgspec.Meta(ge=1, le=1000)]
    age: Annotated[int, msgspec.Meta(ge=0, le=100)]


class QuoteDriverBody(msgspec.Struct):
    age: Annotated[int, msgspec.Meta(ge=17, le=100)]
    bonus_malus: Annotated[int, msgspec.Meta(ge=0, le=22)]


class QuoteBody(msgspec.Struct):
    zipcode: Annotated[int, msgspec.Meta(ge=1000, le=9999)]
    vehicle: QuoteVehicleBody
    driver: QuoteDriverBody
    coverage: Literal[tuple(COVERAGES)]  # type: ignore[valid-type]
    use: Literal[tuple(USES)]  # type: ignore[valid-type]
    fleet: bool = False
    date: datetime.date | msgspec.UnsetType = msgspec.UNSET


class QuoteStepOutputSerializer(serializers.Serializer):
    step = serializers.CharField()
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    explanation = serializers.CharField()
    uses = serializers.DictField(help_text="What this step used: model version, rule, risk class…")


@extend_schema_field(QuoteStepOutputSerializer(many=True))
class QuoteBreakdownField(serializers.JSONField):
    """The steps as stored: built by the service, so sent as they are, not re-serialized."""


class QuoteOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    premium = serializers.DecimalField(
        max_digits=10, decimal_places=2, help_text="Annual premium in euro."
    )
    currency = serializers.SerializerMethodField()
    quote_date = serializers.DateField()
    inputs = serializers.JSONField(help_text="The request as priced (fuel normalised, date set).")
    breakdown = QuoteBreakdownField()
    created_at = serializers.DateTimeField()

    def get_currency(self, quote: Any) -> str:
        return "EUR"

    def to_representation(self, quote: Any) -> dict[str, Any]:
        # Every quote's answer, built without binding a copy of each field per answer (28 µs
        # against 129 µs, in process); each value formatted by its field's class.
        return {
            "id": quote.pk,
            "premium": PREMIUM.to_representation(quote.premium),
            "currency": "EUR",
            "quote_date": DAY.to_representation(quote.quote_date),
            "inputs": quote.inputs,
            "breakdown": quote.breakdown,
            "created_at": MOMENT.to_representation(quote.created_at),
        }


PREMIUM = serializers.DecimalField(max_digits=10, decimal_places=2)
DAY = serializers.DateField()
MOMENT = serializers.DateTimeField()


class QuoteRepricedOutputSerializer(serializers.Serializer):
    premium = serializers.DecimalField(max_digits=10, decimal_places=2)
    breakdown = QuoteBreakdownField()


class FrequencyFactorSerializer(serializers.Serializer):
    variable = serializers.CharField(
        help_text="`ageph`, `bm`, `power`, `agec`, `fuel`, `coverage`, `use` or `fleet`."
    )
    value = serializers.CharField(help_text="This quote's value, as the model read it.")
    factor = serializers.FloatField(help_text="Its factor on the average policy's frequency.")


class FrequencyExplanationSerializer(serializers.Serializer):
    average = serializers.FloatField(help_text="Claims per year of the model's average policy.")
    factors = FrequencyFactorSerializer(many=True)
    frequency = serializers.FloatField(
        help_text="average × every factor: the quote's expected claims per year."
    )
    zone_factor = serializers.DecimalField(
        max_digits=4, decimal_places=2, help_text="Applied next, by the premium's zone step."
    )


class QuoteRepricingOutputSerializer(serializers.Serializer):
    quote = QuoteOutputSerializer(help_text="The quote as stored.")
    reproduced = QuoteRepricedOutputSerializer(
        help_text="Priced again with the stored references: equals the stored premium."
    )
    reproducible = serializers.BooleanField(help_text="The reproduced premium equals the stored.")
    today = QuoteRepricedOutputSerializer(
        help_text="Priced with the tables in force today: what the customer would pay now."
    )
    change_percent = serializers.DecimalField(
        max_digits=8, decimal_places=2, help_text="Today's premium against the stored one, in %."
    )
    frequency_explained = FrequencyExplanationSerializer(
        allow_null=True,
        help_text="How the driver's and vehicle's characteristics moved the stored quote's "
        "expected frequency from the model's average policy; null for a model that cannot say.",
    )

    def to_representation(self, repricing: Any) -> dict[str, Any]:
        return {
            "quote": QuoteOutputSerializer(repricing.quote).data,
            "reproduced": {
                "premium": str(repricing.reproduced.premium),
                "breakdown": repricing.reproduced.steps,
            },
            "reproducible": repricing.reproducible,
            "today": {
                "premium": str(repricing.today.premium),
                "breakdown": repricing.today.breakdown,
            },
            "change_percent": str(repricing.change_percent),
            "frequency_explained": frequency_explained(repricing.explanation),
        }


class PricingBatchPolicyInputSerializer(QuoteCreateInputSerializer):
    """One policy of a JSON batch: the quote's body without its date (the batch has one)."""

    date = None  # type: ignore[assignment]
    reference = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        help_text="Yours (a policy or plate number): given back with the policy's result.",
    )


@extend_schema_field(PricingBatchPolicyInputSerializer(many=True))
class PoliciesField(serializers.ListField):
    """The policies as sent: each is checked on its own when priced, so that one that cannot be
    priced gets its errors in the results and the others are still priced."""


BATCH_DATE_HELP = "The pricing date of every policy; default: today."
STORE_QUOTES_HELP = (
    "Also store each priced policy as a quote (an offer, as `POST /api/v1/quotes/` makes), its "
    "id in the result. Default: no quote, the prices only."
)


class PricingBatchJsonInputSerializer(JsonInputSerializer):
    policies = PoliciesField(
        child=serializers.JSONField(),
        min_length=1,
        max_length=settings.PRICING_BATCH_MAX_POLICIES,
        help_text="Each policy as the quote's body, with an optional `reference`.",
    )
    date = serializers.DateField(required=False, help_text=BATCH_DATE_HELP)
    store_quotes = serializers.BooleanField(default=False, help_text=STORE_QUOTES_HELP)


class PricingBatchCsvInputSerializer(InputSerializer):
    file = serializers.FileField(
        help_text="A CSV in the portfolio layout: `coverage, ageph, bm, power, agec, fuel, use, "
        "fleet, postcode`, optionally `id` (your reference) and `brand`; the layout's claims "
        "and coordinates columns may be there and are not read. Fuel as the quote takes it "
        "(`gasoline`, `petrol`, `diesel`, `electric`, `lpg`…)."
    )
    date = serializers.DateField(required=False, help_text=BATCH_DATE_HELP)
    store_quotes = serializers.BooleanField(default=False, help_text=STORE_QUOTES_HELP)


class PricingBatchStepOutputSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=STEPS)
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)


class PricingBatchPolicyOutputSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The policy's place in the batch, from 0.")
    line = serializers.IntegerField(
        allow_null=True, help_text="Its line in the CSV file (the header is line 1); null for JSON."
    )
    reference = serializers.CharField(help_text="The CSV's `id` or the JSON `reference`.")
    premium = serializers.DecimalField(
        max_digits=10, decimal_places=2, allow_null=True, help_text="Null when not priced."
    )
    steps = PricingBatchStepOutputSerializer(
        many=True, help_text="The quote's steps, each amount to the cent as the quote has it."
    )
    risk_class = serializers.CharField()
    priced_as_fuel = serializers.CharField(help_text="The modelled fuel it was priced as.")
    rule = serializers.IntegerField(allow_null=True, help_text="The pricing rule applied.")
    adjustment_percent = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    frequency = serializers.FloatField(allow_null=True, help_text="Expected claims per year.")
    quote = serializers.IntegerField(allow_null=True, help_text="With `store_quotes`: its quote.")
    # DRF pops declared fields off the class, so this name does not shadow Serializer.errors.
    errors = FieldErrorSerializer(  # type: ignore[assignment]
        many=True, help_text="Why it was not priced: each wrong field (empty when priced)."
    )

    def to_representation(self, result: Any) -> dict[str, Any]:
        # Up to a thousand a page: built directly (as the quote's answer is).
        amounts = [cents_as_euros(cents) for cents in result.steps_cents]
        return {
            "index": result.index,
            "line": result.line,
            "reference": result.reference,
            "premium": amounts[-1] if amounts else None,
            "steps": [
                {"step": step, "amount": amount}
                for step, amount in zip(STEPS, amounts, strict=False)
            ],
            "risk_class": result.risk_class,
            "priced_as_fuel": result.priced_as_fuel,
            "rule": result.rule_id,
            "adjustment_percent": str(result.adjustment_percent)
            if result.adjustment_percent is not None
            else None,
            "frequency": result.frequency,
            "quote": result.quote_id,
            "errors": result.errors,
        }


class PricingBatchOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=PricingBatch.State.choices)
    sent_as = serializers.ChoiceField(choices=PricingBatch.Source.values, source="source")
    date = serializers.DateField(source="on")
    policies = serializers.IntegerField()
    priced = serializers.IntegerField()
    failed = serializers.IntegerField(help_text="Policies not priced: see their `errors`.")
    store_quotes = serializers.BooleanField()
    chunks = serializers.IntegerField(help_text="Parts priced in parallel by the workers.")
    uses = serializers.DictField(
        help_text="What every policy is priced with: tariff version, frequency and severity "
        "model versions, health index month and value, reference month and value."
    )
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(help_text="Deleted then, with its results.")
    results_url = serializers.SerializerMethodField(help_text="The results, as JSON pages.")
    csv_url = serializers.SerializerMethodField(help_text="The results as one CSV file.")
    results = serializers.SerializerMethodField(
        help_text="Every policy's result, in the answer itself when the batch is done and "
        "small enough to be priced at once; otherwise null (read `results_url`)."
    )

    def get_results_url(self, batch: PricingBatch) -> str:
        return f"/api/v1/pricing-batches/{batch.pk}/policies"

    def get_csv_url(self, batch: PricingBatch) -> str:
        return f"/api/v1/pricing-batches/{batch.pk}/policies.csv"

    @extend_schema_field(PricingBatchPolicyOutputSerializer(many=True, allow_null=True))
    def get_results(self, batch: PricingBatch) -> Any:
        if (
            batch.state != PricingBatch.State.DONE
            or batch.policies > settings.PRICING_BATCH_AT_ONCE
        ):
            return None
        return PricingBatchPolicyOutputSerializer(batch.results.order_by("index"), many=True).data


class PricingBatchPolicyListInputSerializer(QueryInputSerializer):
    page = serializers.IntegerField(
        required=False, min_value=1, help_text="Page number, from 1 (1,000 policies a page)."
    )
    failed = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="`true`: only the policies not priced; `false`: only the priced ones.",
    )


class ImpactScenarioInputSerializer(JsonInputSerializer):
    rules = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        max_length=100,
        required=False,
        help_text="Rules (usually drafts) applied as if approved; each replaces today's rule "
        "of the same brand and fuel.",
    )
    zoning_proposal = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="A computed zoning proposal: its classes and factors.",
    )
    frequency_model = serializers.IntegerField(
        min_value=1, required=False, help_text="A candidate frequency model version (no location)."
    )
    severity_model = serializers.IntegerField(
        min_value=1, required=False, help_text="A candidate severity model version."
    )
    tariff_version = serializers.IntegerField(
        min_value=1, required=False, help_text="A tariff version: loading, fee, minimum, reference."
    )
    index_month = MonthField(required=False, help_text="The health index of another month.")


class ImpactAnalysisCreateInputSerializer(JsonInputSerializer):
    dataset = serializers.IntegerField(min_value=1, help_text="The portfolio dataset to price.")
    date = serializers.DateField(
        required=False,
        help_text="The pricing date; default: today, or the start of the scenario's latest rule "
        "or tariff version if later.",
    )
    scenario = ImpactScenarioInputSerializer()


class ImpactAnalysisOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    dataset = serializers.IntegerField(source="dataset_id")
    date = serializers.DateField(source="on")
    scenario = serializers.JSONField()
    state = serializers.ChoiceField(choices=ImpactAnalysis.State.choices)
    chunks = serializers.IntegerField(help_text="Parts priced in parallel by the workers.")
    error = serializers.CharField()
    result = serializers.SerializerMethodField(
        help_text="When done: totals before and after, the distribution of per-policy changes, "
        "policies moved by more than 5/10/25 %, totals by zone, fuel, brand, coverage, age and "
        "bonus-malus band, the 20 largest movers with their steps, the expected loss ratio."
    )
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field({"type": "object"})
    def get_result(self, analysis: Any) -> dict[str, Any]:
        # The chart is for the admin; API clients draw their own from `histogram`.
        # Analyses stored before charts were drawn when shown still carry their PNG.
        return {k: v for k, v in analysis.result.items() if k != "histogram_png"}


class TariffChangeListInputSerializer(PageInputSerializer):
    kind = serializers.ChoiceField(choices=TariffChange.Kind.choices, required=False)
    since = serializers.DateField(required=False, help_text="Recorded on or after this day.")
    until = serializers.DateField(required=False, help_text="Recorded on or before this day.")


class TariffChangeImpactSerializer(serializers.Serializer):
    analysis = serializers.IntegerField()
    dataset = serializers.IntegerField()
    on = serializers.DateField()
    policies = serializers.IntegerField()
    total_before = serializers.DecimalField(max_digits=14, decimal_places=2)
    total_after = serializers.DecimalField(max_digits=14, decimal_places=2)
    change_percent = serializers.DecimalField(max_digits=8, decimal_places=2)
    moved_more_than_10_percent = serializers.IntegerField()


@extend_schema_field(TariffChangeImpactSerializer(allow_null=True))
class TariffChangeImpactField(serializers.JSONField):
    """The impact analysis summary as stored; null when the approval had none."""

    def to_representation(self, value: Any) -> Any:
        return value or None


class TariffChangeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=TariffChange.Kind.choices)
    subject = serializers.CharField(help_text="What changed, as named when it changed.")
    object_id = serializers.IntegerField(help_text="The rule, version, proposal or model.")
    effective_from = serializers.DateField()
    drafted_by = serializers.CharField(help_text="Username; empty when not known.")
    approved_by = serializers.CharField(help_text="Username; empty for a loaded tables file.")
    approved_alone = serializers.BooleanField(
        help_text="Approved by its own author, as a deployment with one-person approval allows."
    )
    recorded_at = serializers.DateTimeField()
    impact = TariffChangeImpactField(help_text="The impact analysis seen at approval.")
    reason = serializers.CharField(
        help_text="Why it was approved without an impact analysis of the draft; may be empty."
    )
    before = serializers.DictField(help_text="The values before the change.")
    after = serializers.DictField(help_text="The values after the change.")


class TariffChangeRollbackOutputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["pricing_rule", "tariff_version", "zoning_proposal", "model_version"],
        help_text="The rule whose end is proposed or a new draft rule, a new draft tariff version "
        "or zoning, or the retired model version to promote again.",
    )
    id = serializers.IntegerField()


def frequency_explained(explanation: Any) -> dict[str, Any] | None:
    if explanation is None:
        return None
    return {
        "average": explanation.average,
        "factors": [
            {"variable": name, "value": str(value), "factor": factor}
            for name, value, factor in explanation.factors
        ],
        "zone_factor": str(explanation.zone_factor),
        "frequency": explanation.frequency,
    }


# The CSV download's columns: the policy, its premium, each step's amount, what it used, errors.
BATCH_CSV_COLUMNS = (
    "index",
    "line",
    "reference",
    "premium",
    *STEPS,
    "risk_class",
    "priced_as_fuel",
    "rule",
    "adjustment_percent",
    "frequency",
    "quote",
    "errors",
)


def pricing_batch_csv_lines(results: Iterable[Any]) -> Iterator[str]:
    """The batch's results as CSV lines: each the JSON page's representation of the policy, flat."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def line(values: list[Any]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield line(list(BATCH_CSV_COLUMNS))
    represent = PricingBatchPolicyOutputSerializer().to_representation
    for result in results:
        shown = represent(result)
        amounts = {step["step"]: step["amount"] for step in shown.pop("steps")}
        errors = shown.pop("errors")
        shown.update(amounts)
        shown["errors"] = "; ".join(f"{e['field']}: {e['message']} ({e['code']})" for e in errors)
        yield line(["" if shown.get(name) is None else shown[name] for name in BATCH_CSV_COLUMNS])
