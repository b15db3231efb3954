"""Serializers of the strategies API: rules, their resolution, and quotes."""

from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from pricing_site.api import PageInputSerializer, QueryInputSerializer
from strategies.models import Fuel, PricingRule
from strategies.selectors import FUEL_SYNONYMS


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


# NUL is not whitespace: the one visible character must itself exclude it.
BRAND_PATTERN = r"^[^\x00]*[^\x00\s][^\x00]*$"


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
