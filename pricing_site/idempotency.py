"""Idempotency keys (IETF draft "The Idempotency-Key HTTP Header Field"): a client retrying a POST
with the same key gets the first answer again; the same key with a different body is refused."""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext
from rest_framework.request import Request

from pricing_site.exceptions import ApplicationError, UnprocessableError

HEADER = "Idempotency-Key"
MAX_LENGTH = 255


@dataclass(frozen=True)
class Idempotency:
    key: str  # "" when the client sent none
    fingerprint: str  # SHA-256 of the request body, canonical JSON


def idempotency_parse(request: Request, body: Any) -> Idempotency:
    """The request's key (bounded, printable) and, with a key, the fingerprint of its parsed
    *body*."""
    key = request.headers.get(HEADER, "")
    if len(key) > MAX_LENGTH or not key.isprintable() or not key.isascii():
        raise ApplicationError(
            gettext("The %(header)s header must be at most %(max)s printable ASCII characters.")
            % {"header": HEADER, "max": MAX_LENGTH},
            code="invalid_idempotency_key",
            field=HEADER,
        )
    if not key:  # nothing to replay, so nothing to compare: no body to serialize and hash
        return Idempotency(key="", fingerprint="")
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return Idempotency(key=key, fingerprint=hashlib.sha256(canonical.encode()).hexdigest())


def idempotency_check(stored_fingerprint: str, idempotency: Idempotency) -> None:
    """A stored answer for the key may be replayed only for the same request body."""
    if stored_fingerprint != idempotency.fingerprint:
        raise UnprocessableError(
            gettext(
                "This %(header)s was used before with a different request body; use a new key "
                "for a new request."
            )
            % {"header": HEADER},
            code="idempotency_key_reused",
            field=HEADER,
        )
