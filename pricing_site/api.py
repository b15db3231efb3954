"""Shared API building blocks: the documented error body and its responses for OpenAPI."""

import copy
from collections.abc import Mapping
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pricing_site.exceptions import ApplicationError


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


IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    # 1 to 255 printable ASCII characters, no surrounding space (HTTP would strip it).
    pattern=r"^[!-~](?:[ -~]{0,253}[!-~])?$",
    description=(
        "A retry with the same key and body answers 200 with what the first request created "
        "instead of doing it twice; the key with another body is a 422 `idempotency_key_reused`. "
        "At most 255 printable ASCII characters."
    ),
)


def error_responses(**descriptions: str) -> dict[int, OpenApiResponse]:
    """Document error statuses for `extend_schema(responses=...)`: `error_responses(_404="...")`."""
    return {
        int(status.lstrip("_")): OpenApiResponse(ErrorSerializer, description=description)
        for status, description in descriptions.items()
    }


# The JSON type each kind of field takes: DRF would also coerce 0 to "0", "5" to 5 or 1 to true,
# which the schema does not allow.
JSON_TYPES: tuple[tuple[type[serializers.Field], type, str], ...] = (
    (serializers.BooleanField, bool, "true or false"),
    (serializers.IntegerField, int, "an integer"),
    (serializers.CharField, str, "a string"),
    (serializers.ChoiceField, str, "a string"),
    (serializers.DateField, str, "a date string (YYYY-MM-DD)"),
)


class InputSerializer(serializers.Serializer):
    """What a request sends. DRF deep-copies every declared field for each serializer, which
    rebuilds the field from its arguments: half of a quote's validation. A shallow copy is
    enough for our input fields, which keep no state of their own but what `bind` sets on the
    copy; a field holding a child (a list or a dict of fields) is still deep-copied, since its
    child is bound to it."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {name: field_copy(field) for name, field in self._declared_fields.items()}


def field_copy(field: serializers.Field) -> serializers.Field:
    """A copy of declared *field* for one serializer to bind."""
    if hasattr(field, "child"):
        return copy.deepcopy(field)
    copied = copy.copy(field)
    copied.__dict__.pop("fields", None)  # a nested serializer builds its own bound fields
    return copied


class JsonInputSerializer(InputSerializer):
    """A JSON body: each value must have the JSON type its field documents."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            errors = {
                name: [ErrorDetail(f"Expected {expected}.", code="invalid_type")]
                for name, field in self.fields.items()
                if name in data and data[name] is not None
                for expected in [json_type_error(field, data[name])]
                if expected
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def json_type_error(field: serializers.Field, value: Any) -> str | None:
    """What *field* expects when *value* is not of its JSON type, else None."""
    for field_class, json_type, name in JSON_TYPES:
        if isinstance(field, field_class):
            right = isinstance(value, json_type) and not (
                json_type is int and isinstance(value, bool)
            )
            return None if right else name
    return None


class QueryInputSerializer(InputSerializer):
    """A query string's parameters. DRF reads a form's empty value as "not sent"; a query string
    says what it says, so `?fuel=` is checked like any value (and refused by an enum)."""

    def to_internal_value(self, data: Any) -> Any:
        return super().to_internal_value(data.dict() if isinstance(data, QueryDict) else data)


class PageInputSerializer(QueryInputSerializer):
    """The page of a list: lists' query serializers extend it, so it is checked and documented."""

    page = serializers.IntegerField(
        required=False, min_value=1, help_text="Page number, from 1 (50 items a page)."
    )


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
    *,
    request: Request,
    view: APIView,
    queryset: QuerySet,
    serializer_class: type,
    page_size: int | None = None,
) -> Response:
    """One page of *queryset*: `count`, `next`, `previous` and `results`."""
    paginator = PageNumberPagination()
    if page_size is not None:
        paginator.page_size = page_size
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


def upload_read(upload: UploadedFile, *, limit: int) -> bytes:
    """An uploaded file's bytes, refused (400 `file_too_large`) past *limit* bytes."""
    if upload.size is not None and upload.size > limit:
        raise ApplicationError(
            gettext("The file has %(size)s bytes; the limit is %(limit)s.")
            % {"size": upload.size, "limit": limit},
            code="file_too_large",
            field="file",
        )
    return upload.read()


def body_bounded(request: Request, *, limit: int) -> None:
    """Refuse (400 `body_too_large`) a request whose body is longer than *limit* bytes, before
    reading it (Django bounds only form bodies, by DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > limit:
        raise ApplicationError(
            gettext("The request has %(size)s bytes; the limit is %(limit)s.")
            % {"size": length, "limit": limit},
            code="body_too_large",
        )
