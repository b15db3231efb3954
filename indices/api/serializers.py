"""Serializers of the health-index API."""

import re
from datetime import date

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

MONTH_FORMAT = re.compile(r"^(\d{4})-(\d{2})$")


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2024-12"})
class MonthField(serializers.Field):
    """A month written `YYYY-MM`."""

    default_error_messages = {"invalid": "Write the month as YYYY-MM, e.g. 2024-12."}

    def to_internal_value(self, data: str) -> date:
        match = MONTH_FORMAT.match(str(data))
        if not match or not 1 <= int(match[2]) <= 12:
            self.fail("invalid")
        return date(int(match[1]), int(match[2]), 1)

    def to_representation(self, value: date) -> str:
        return f"{value:%Y-%m}"


class HealthIndexLatestInputSerializer(serializers.Serializer):
    base_year = serializers.IntegerField(required=False, help_text="Only this base year.")


class HealthIndexHistoryInputSerializer(serializers.Serializer):
    month_from = MonthField(required=False)
    month_to = MonthField(required=False)

    def to_internal_value(self, data):  # type: ignore[no-untyped-def]
        # `from` is a Python keyword: the query string uses from/to, the code month_from/month_to.
        renamed = {"month_from": data.get("from"), "month_to": data.get("to")}
        try:
            return super().to_internal_value({k: v for k, v in renamed.items() if v is not None})
        except serializers.ValidationError as error:
            detail = error.detail if isinstance(error.detail, dict) else {}
            raise serializers.ValidationError(
                {key.removeprefix("month_"): value for key, value in detail.items()}
            ) from error

    def validate(self, attrs):  # type: ignore[no-untyped-def]
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
