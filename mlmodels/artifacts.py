"""Model artifacts: joblib bytes with their SHA-256 and a signature keyed by a server secret.

Unpickling runs code, so bytes are loaded only after both the hash and the signature match; an
artifact from elsewhere (another key) or altered in the database is refused, never unpickled.
"""

import hashlib
import hmac
import io
from typing import Any

import joblib
import sklearn
from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext

from pricing_site.exceptions import ServiceUnavailableError

SIGNATURE_SALT = "mlmodels.artifact"


class ArtifactRejectedError(ServiceUnavailableError):
    """The stored model cannot be trusted, so it cannot be served (503) until retrained."""

    default_code = "artifact_rejected"


def artifact_sign(data: bytes) -> str:
    return salted_hmac(
        SIGNATURE_SALT, data, secret=settings.PRICING_ARTIFACT_SIGNING_KEY, algorithm="sha256"
    ).hexdigest()


def artifact_dump(obj: Any) -> tuple[bytes, str, str]:
    """(bytes, SHA-256, signature) of a fitted pipeline."""
    buffer = io.BytesIO()
    joblib.dump(obj, buffer, compress=3)
    data = buffer.getvalue()
    return data, hashlib.sha256(data).hexdigest(), artifact_sign(data)


def artifact_load(
    *, data: bytes | memoryview, sha256: str, signature: str, sklearn_version: str
) -> Any:
    """The fitted pipeline, after verifying the bytes; refused with a clear reason otherwise."""
    data = bytes(data)
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ArtifactRejectedError(
            gettext("The model artifact does not match its SHA-256: it was altered.")
        )
    if not hmac.compare_digest(artifact_sign(data), signature):
        raise ArtifactRejectedError(
            gettext(
                "The model artifact's signature is not ours (another server's key, or tampered)."
            )
        )
    if sklearn_version != sklearn.__version__:
        raise ArtifactRejectedError(
            gettext(
                "The model was trained with scikit-learn %(trained)s; this server runs "
                "%(running)s. Retrain it here."
            )
            % {"trained": sklearn_version, "running": sklearn.__version__}
        )
    return joblib.load(io.BytesIO(data))
