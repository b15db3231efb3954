"""The application errors services raise; `exception_handler` maps each class to HTTP."""

from typing import Any


class ApplicationError(Exception):
    """A business rule refused the request; `code` is stable and machine-readable."""

    default_code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        fields: list[dict[str, str]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        # One wrong field, or several ({"field", "message", "code"}) such as records of a batch.
        self.fields = fields or (
            [{"field": field, "message": message, "code": self.code}] if field else []
        )
        self.extra = extra or {}


class NotFoundError(ApplicationError):
    default_code = "not_found"


class ForbiddenError(ApplicationError):
    """The user may not do this, however well-formed the request (answered 403)."""

    default_code = "permission_denied"


class ConflictError(ApplicationError):
    default_code = "conflict"


class UnprocessableError(ApplicationError):
    """Well-formed, but it contradicts what the server already holds (answered 422)."""

    default_code = "unprocessable"


class TooManyRequestsError(ApplicationError):
    """The client already has as much running as it may (answered 429)."""

    default_code = "too_many_requests"


class ServiceUnavailableError(ApplicationError):
    default_code = "service_unavailable"


class UpstreamUnavailableError(ServiceUnavailableError):
    default_code = "upstream_unavailable"
