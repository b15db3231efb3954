"""Serializers of the strategies API: rules, their resolution, and quotes."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mlmodels.schema import COLUMNS
from strategies.models import PricingRule

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


class PricingRuleListInputSerializer(serializers.Serializer):
    brand = serializers.CharField(
        required=False, help_text="A brand name or alias (VW, Volkswagen)."
    )
    fuel = serializers.CharField(
        required=False, help_text="petrol, diesel, hybrid, electric, lpg_cng."
    )
    date = serializers.DateField(required=False, help_text="Only rules in force that day.")


class PricingRuleResolveInputSerializer(serializers.Serializer):
    brand = serializers.CharField(required=False, allow_blank=True)
    fuel = serializers.CharField()
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


class QuoteVehicleInputSerializer(serializers.Serializer):
    brand = serializers.CharField(max_length=60)
    fuel = serializers.CharField(max_length=20)
    power_kw = serializers.IntegerField(min_value=1, max_value=1000)
    age = serializers.IntegerField(min_value=0, max_value=100, help_text="Vehicle age in years.")


class QuoteDriverInputSerializer(serializers.Serializer):
    age = serializers.IntegerField(min_value=17, max_value=100)
    bonus_malus = serializers.IntegerField(min_value=0, max_value=22)


class QuoteCreateInputSerializer(serializers.Serializer):
    zipcode = serializers.IntegerField()
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
