"""Shared API building blocks: the documented error body and its responses for OpenAPI."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class FieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True, help_text="Dotted path, e.g. `records.3.ageph`.")
    message = serializers.CharField()
    code = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, machine-readable error code.")
    detail = serializers.CharField(help_text="What went wrong, for a person.")
    fields = FieldErrorSerializer(many=True)
    extra = serializers.DictField(help_text="Error-specific data (e.g. `error_id` on a 500).")

    class Meta:
        ref_name = "Error"


def error_responses(**descriptions: str) -> dict[int, OpenApiResponse]:
    """Document error statuses for `extend_schema(responses=...)`: `error_responses(_404="...")`."""
    return {
        int(status.lstrip("_")): OpenApiResponse(ErrorSerializer, description=description)
        for status, description in descriptions.items()
    }
