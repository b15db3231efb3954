"""Shared API building blocks: the documented error body and its responses for OpenAPI."""

from django.db.models import QuerySet
from django_filters.rest_framework import FilterSet
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class FieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True, help_text="Dotted path, e.g. `records.3.ageph`.")
    message = serializers.CharField()
    code = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, machine-readable error code.")
    detail = serializers.CharField(help_text="What went wrong, for a person.")
    # DRF pops declared fields off the class, so this name does not shadow Serializer.fields.
    fields = FieldErrorSerializer(many=True)  # type: ignore[assignment]
    extra = serializers.DictField(help_text="Error-specific data (e.g. `error_id` on a 500).")

    class Meta:
        ref_name = "Error"


def error_responses(**descriptions: str) -> dict[int, OpenApiResponse]:
    """Document error statuses for `extend_schema(responses=...)`: `error_responses(_404="...")`."""
    return {
        int(status.lstrip("_")): OpenApiResponse(ErrorSerializer, description=description)
        for status, description in descriptions.items()
    }


def paginated(serializer_class: type[serializers.Serializer]) -> serializers.Serializer:
    """The documented page of *serializer_class* items, as `paginated_response` returns it."""
    name = serializer_class.__name__.removesuffix("OutputSerializer").removesuffix("Serializer")
    return inline_serializer(
        f"Paginated{name}List",
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )


def paginated_response(
    *, request: Request, view: APIView, queryset: QuerySet, serializer_class: type
) -> Response:
    """One page of *queryset*: `count`, `next`, `previous` and `results`."""
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


def filtered(*, filterset_class: type[FilterSet], request: Request, queryset: QuerySet) -> QuerySet:
    """*queryset* narrowed by the query string; an invalid filter value is a 400 naming it."""
    filterset = filterset_class(request.query_params, queryset=queryset)
    if not filterset.is_valid():
        raise serializers.ValidationError(filterset.errors)
    return filterset.qs
