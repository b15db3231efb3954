"""Serializers of the strategies API: rules, their resolution, and quotes."""

from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from indices.api.serializers import MonthField
from mlmodels.schema import COLUMNS
from pricing_site.api import JsonInputSerializer, PageInputSerializer, QueryInputSerializer
from strategies.models import Fuel, PricingRule
from strategies.selectors import FUEL_SYNONYMS

COVERAGES = COLUMNS["coverage"].categories
USES = COLUMNS["use"].categories


class PricingRuleOutputSerializer(serializers.ModelSerializer):
    brand = serializers.CharField(source="brand.name", allow_null=True, default=None)

    class Meta:
        model = PricingRule
        fields = [
            "id",
            "brand",
            "fuel",
            "adjustment_percent",
            "valid_from",
            "valid_to",
            "is_active",
            "note",
        ]


# Every spelling `fuel_parse` accepts (any case): the schema lists them.
FUEL_SPELLINGS = [*Fuel.values, *FUEL_SYNONYMS]


@extend_schema_field({"type": "string", "enum": FUEL_SPELLINGS})
class FuelField(serializers.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=20, **kwargs)


BRAND_PATTERN = r"^[^\x00]*\S[^\x00]*$"


class BrandField(serializers.CharField):
    """A brand as people write it: up to 60 characters, no NUL, not only spaces (blank only where
    allowed, which the schema states apart)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "A brand name or alias (VW, Volkswagen).")
        super().__init__(max_length=60, validators=[RegexValidator(BRAND_PATTERN)], **kwargs)


class PricingRuleListInputSerializer(PageInputSerializer):
    brand = BrandField(required=False)
    fuel = FuelField(required=False)
    date = serializers.DateField(required=False, help_text="Only rules in force that day.")


class PricingRuleResolveInputSerializer(QueryInputSerializer):
    brand = BrandField(required=False, allow_blank=True)
    fuel = FuelField()
    date = serializers.DateField(required=False, help_text="Default: today.")


class RuleRowOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    brand = serializers.CharField(allow_null=True)
    fuel = serializers.CharField()
    adjustment_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)


class PricingRuleResolutionOutputSerializer(serializers.Serializer):
    rule = RuleRowOutputSerializer(allow_null=True)
    adjustment_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    brand = serializers.CharField(allow_null=True, help_text="The canonical brand, if known.")
    brand_known = serializers.BooleanField()
    fuel = serializers.CharField()
    level = serializers.ChoiceField(choices=["brand+fuel", "brand", "fuel", "default", "none"])
    reason = serializers.CharField()


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


class QuoteRepricedOutputSerializer(serializers.Serializer):
    premium = serializers.DecimalField(max_digits=10, decimal_places=2)
    breakdown = QuoteBreakdownField()


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
        }


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
    state = serializers.ChoiceField(choices=["queued", "running", "done", "failed"])
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
        return {k: v for k, v in analysis.result.items() if k != "histogram_png"}
