"""Log records stamped with the id of the request being served (configured in LOGGING, so it
imports nothing that needs the apps loaded)."""

import contextvars
import logging

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)


class RequestIdLogFilter(logging.Filter):
    """Stamp every log record emitted while a request is served with that request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            # django.request writes its line once the middleware is done, with the request.
            served = getattr(record, "request", None)
            record.request_id = request_id_var.get() or getattr(served, "request_id", None)
        return True
