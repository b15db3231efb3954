"""The single DRF exception handler: every API error becomes one JSON body with a stable code.

Body: {"code": str, "detail": str, "fields": [{"field", "message", "code"}], "extra": {...}}.
"""

import logging
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext, gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from pricing_site.exceptions import (
    ApplicationError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    ServiceUnavailableError,
    TooManyRequestsError,
    UnprocessableError,
)

logger = logging.getLogger(__name__)

APPLICATION_ERROR_STATUS: dict[type[ApplicationError], int] = {
    NotFoundError: status.HTTP_404_NOT_FOUND,
    ForbiddenError: status.HTTP_403_FORBIDDEN,
    ConflictError: status.HTTP_409_CONFLICT,
    UnprocessableError: status.HTTP_422_UNPROCESSABLE_ENTITY,
    TooManyRequestsError: status.HTTP_429_TOO_MANY_REQUESTS,
    ServiceUnavailableError: status.HTTP_503_SERVICE_UNAVAILABLE,
}

VALIDATION_DETAIL = gettext_lazy("The request is invalid: see `fields` for what to correct.")
# Connection-level database failures: the database is down or unreachable, not the request wrong.
DATABASE_UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)
DATABASE_RETRY_AFTER_SECONDS = 5
# Sent with every database_unavailable answer, by DRF's handler and by handler500 alike.
DATABASE_UNAVAILABLE_HEADERS = {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)}


def error_body(
    *,
    code: str,
    detail: str,
    fields: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The one error shape of the API, shared by DRF views and plain Django views."""
    return {"code": code, "detail": detail, "fields": fields or [], "extra": extra or {}}


def flatten_field_errors(detail: Any, prefix: str = "") -> list[dict[str, Any]]:
    """Turn DRF's nested error detail into a flat list with dotted paths (`records.3.ageph`)."""
    items: Iterable[tuple[Any, Any]]
    if isinstance(detail, dict):
        items = detail.items()
    elif isinstance(detail, list) and detail and not isinstance(detail[0], exceptions.ErrorDetail):
        items = ((str(index), value) for index, value in enumerate(detail))
    else:
        messages = detail if isinstance(detail, list) else [detail]
        field = prefix or None
        return [
            {"field": field, "message": str(message), "code": getattr(message, "code", "invalid")}
            for message in messages
        ]
    errors: list[dict[str, Any]] = []
    for key, value in items:
        if key == "non_field_errors":
            errors.extend(flatten_field_errors(value, prefix))
        else:
            errors.extend(flatten_field_errors(value, f"{prefix}.{key}" if prefix else str(key)))
    return errors


def status_for_application_error(exc: ApplicationError) -> int:
    for error_class in type(exc).__mro__:
        if error_class in APPLICATION_ERROR_STATUS:
            return APPLICATION_ERROR_STATUS[error_class]
    return status.HTTP_400_BAD_REQUEST


def application_error_response(exc: ApplicationError) -> Response:
    body = error_body(code=exc.code, detail=exc.message, fields=exc.fields, extra=exc.extra)
    return Response(body, status=status_for_application_error(exc))


def database_unavailable_body(exc: BaseException, *, path: str) -> dict[str, Any]:
    logger.error("database unavailable", extra={"error": repr(exc), "path": path})
    return error_body(
        code="database_unavailable",
        detail=gettext("The database is unavailable; retry in a few seconds."),
        extra={"retry_after_seconds": DATABASE_RETRY_AFTER_SECONDS},
    )


def internal_error_body(exc: BaseException, *, path: str) -> dict[str, Any]:
    """Log *exc* with its traceback under a fresh error id, and return the body that names it."""
    error_id = uuid.uuid4().hex
    logger.error("unhandled exception", exc_info=exc, extra={"error_id": error_id, "path": path})
    return error_body(
        code="internal_error",
        detail=gettext("An internal error occurred. Quote error id %(id)s when reporting it.")
        % {"id": error_id},
        extra={"error_id": error_id},
    )


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    if isinstance(exc, ApplicationError):
        return application_error_response(exc)
    request = context.get("request")
    path = request.path if request is not None else ""
    if isinstance(exc, DATABASE_UNAVAILABLE_ERRORS):
        return Response(
            database_unavailable_body(exc, path=path),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers=DATABASE_UNAVAILABLE_HEADERS,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return Response(
            internal_error_body(exc, path=path), status=status.HTTP_500_INTERNAL_SERVER_ERROR
        )

    if isinstance(exc, exceptions.ValidationError):
        body = error_body(
            code="invalid", detail=str(VALIDATION_DETAIL), fields=flatten_field_errors(exc.detail)
        )
    else:
        extra = (
            {"wait_seconds": getattr(exc, "wait", None)}
            if isinstance(exc, exceptions.Throttled)
            else {}
        )
        # The code an exception was raised with (a revoked key's `token_revoked`), else its kind's.
        code = str(
            getattr(getattr(exc, "detail", None), "code", None)
            or getattr(exc, "default_code", "error")
        )
        body = error_body(code=code, detail=str(getattr(exc, "detail", exc)), extra=extra)
    response.data = body
    return response
