"""Serializers of the health-index API."""

import re
from datetime import date
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from pricing_site.api import QueryInputSerializer

# Years 1900 to 2099: Statbel's series start in the 1920s, and a year 0 is not a date.
MONTH_PATTERN = r"^(19|20)\d{2}-(0[1-9]|1[0-2])$"
MONTH_FORMAT = re.compile(MONTH_PATTERN)


@extend_schema_field({"type": "string", "pattern": MONTH_PATTERN, "example": "2024-12"})
class MonthField(serializers.Field):
    """A month written `YYYY-MM`."""

    default_error_messages = {
        "invalid": "Write the month as YYYY-MM between 1900-01 and 2099-12, e.g. 2024-12."
    }

    def to_internal_value(self, data: str) -> date:
        text = str(data)
        if not MONTH_FORMAT.fullmatch(text):
            self.fail("invalid")
        return date(int(text[:4]), int(text[5:7]), 1)

    def to_representation(self, value: date) -> str:
        return f"{value:%Y-%m}"


class HealthIndexLatestInputSerializer(QueryInputSerializer):
    base_year = serializers.IntegerField(required=False, help_text="Only this base year.")


class HealthIndexHistoryInputSerializer(QueryInputSerializer):
    month_from = MonthField(required=False)
    month_to = MonthField(required=False)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        # `from` is a Python keyword: the query string uses from/to, the code month_from/month_to.
        renamed = {"month_from": data.get("from"), "month_to": data.get("to")}
        try:
            return super().to_internal_value({k: v for k, v in renamed.items() if v is not None})
        except serializers.ValidationError as error:
            detail = error.detail if isinstance(error.detail, dict) else {}
            raise serializers.ValidationError(
                {key.removeprefix("month_"): value for key, value in detail.items()}
            ) from error

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (
            attrs.get("month_from")
            and attrs.get("month_to")
            and attrs["month_from"] > attrs["month_to"]
        ):
            raise serializers.ValidationError({"from": "`from` must not be after `to`."})
        return attrs


class HealthIndexOutputSerializer(serializers.Serializer):
    base_year = serializers.IntegerField()
    as_of = MonthField(source="month", help_text="The month of this value (YYYY-MM).")
    value = serializers.DecimalField(max_digits=7, decimal_places=2)
    stale = serializers.BooleanField(
        help_text="True when a newer month should have been published by now."
    )


class HealthIndexMonthOutputSerializer(serializers.Serializer):
    month = MonthField()
    value = serializers.DecimalField(max_digits=7, decimal_places=2)


class HealthIndexLatestOutputSerializer(serializers.Serializer):
    as_of = MonthField(help_text="The newest month among the results.")
    stale = serializers.BooleanField(help_text="True when any result is stale.")
    results = HealthIndexOutputSerializer(many=True)


class HealthIndexHistoryOutputSerializer(serializers.Serializer):
    base_year = serializers.IntegerField()
    as_of = MonthField(help_text="The newest month published for this base year.")
    stale = serializers.BooleanField()
    results = HealthIndexMonthOutputSerializer(many=True)
