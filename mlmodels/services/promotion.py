"""Promotion: exactly one production version per task, whoever promotes at the same moment, and
only a version whose artifact verifies, loads and predicts."""

import logging
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from mlmodels.artifacts import ArtifactRejectedError, artifact_load
from mlmodels.caching import production_version_cache_clear
from mlmodels.models import ModelVersion, Task
from mlmodels.schema import FEATURE_COLUMNS, records_validate
from mlmodels.scoring import Scorer
from mlmodels.signals import model_version_promoted
from pricing_site.approvals import approval_check
from pricing_site.exceptions import ConflictError, UnprocessableError
from pricing_site.history import admin_history_record

logger = logging.getLogger(__name__)

# Policies every promoted model must price: young and old drivers, both fuels, every coverage.
SAMPLE_RECORDS = [
    {"coverage": "TPL", "ageph": 19, "bm": 11, "power": 55, "agec": 12, "fuel": "gasoline",
     "use": "private", "fleet": 0, "postcode": 1000},
    {"coverage": "TPL+", "ageph": 45, "bm": 0, "power": 110, "agec": 3, "fuel": "diesel",
     "use": "work", "fleet": 1, "postcode": 9000},
    {"coverage": "TPL++", "ageph": 78, "bm": 2, "power": 70, "agec": 0, "fuel": "gasoline",
     "use": "private", "fleet": 0, "postcode": 3000},
]  # fmt: skip


def model_version_verify(*, version: ModelVersion) -> None:
    """Refuse (422 `artifact_rejected`) a version whose artifact does not match its hash and
    signature, does not load, or does not give finite, plausible predictions for the samples."""
    stored = ModelVersion.objects.get(pk=version.pk)
    try:
        pipeline = artifact_load(
            data=stored.artifact,
            sha256=stored.artifact_sha256,
            signature=stored.artifact_signature,
            sklearn_version=stored.sklearn_version,
        )
        features = tuple(stored.feature_schema.get("features", FEATURE_COLUMNS))
        columns, _ = records_validate(SAMPLE_RECORDS, features=features)
        values = np.asarray(Scorer(pipeline, task=stored.task).predict(columns), dtype=float)
    except ArtifactRejectedError as error:
        reason = error.message
    except Exception as error:
        logger.exception("model verification failed", extra={"version": version.pk})
        reason = gettext("the model does not predict (%(error)s)") % {
            "error": f"{type(error).__name__}: {error}"
        }
    else:
        upper = 1.0 if stored.task == Task.CLAIM_PROBABILITY else np.inf
        if np.all(np.isfinite(values)) and np.all((values > 0) & (values <= upper)):
            return
        reason = gettext("its predictions for sample policies are not plausible (%(values)s)") % {
            "values": values.tolist()
        }
    raise UnprocessableError(
        gettext("Model version %(id)s cannot be promoted: %(reason)s")
        % {"id": version.pk, "reason": reason},
        code="artifact_rejected",
    )


@transaction.atomic
def model_version_promote(
    *, version: ModelVersion, promoted_by: Any, reason: str = ""
) -> ModelVersion:
    """Promote *version*, once verified, and retire the previous production version of the
    same task. The promoter holds the right and did not train it (four eyes); the tariff's change
    log, written by the signal's receiver, refuses a frequency or severity model without an impact
    analysis of it or a written *reason*."""
    trained_by = ModelVersion.objects.values_list("trained_by", flat=True).get(pk=version.pk)
    approved_alone = approval_check(
        author_ids=[trained_by],
        approver=promoted_by,
        permission="mlmodels.promote_modelversion",
        subject=gettext("model version %(id)s") % {"id": version.pk},
    )
    model_version_verify(version=version)
    # Locking every version of the task serialises concurrent promotions: the last one wins and
    # the database constraint guarantees there is never a second production version.
    versions = {
        v.pk: v
        for v in ModelVersion.objects.select_for_update()
        .filter(task=version.task)
        .defer("artifact")
    }
    current = versions[version.pk]
    if current.is_production:
        raise ConflictError(
            gettext("Model version %(id)s is already in production.") % {"id": version.pk},
            code="already_production",
        )
    retired = [v for v in versions.values() if v.is_production]
    ModelVersion.objects.filter(task=version.task, is_production=True).update(is_production=False)
    current.is_production = True
    current.promoted_at = timezone.now()
    current.promoted_by = promoted_by
    current.save(update_fields=["is_production", "promoted_at", "promoted_by"])
    for previous in retired:
        admin_history_record(
            user=promoted_by,
            obj=previous,
            message=gettext("Retired from production: version %(id)s promoted.")
            % {"id": current.pk},
        )
    admin_history_record(
        user=promoted_by,
        obj=current,
        message=gettext("Promoted to production (previous: %(previous)s).")
        % {"previous": ", ".join(str(v.pk) for v in retired) or gettext("none")},
    )
    model_version_promoted.send(
        sender=ModelVersion,
        version=current,
        retired=retired,
        promoted_by=promoted_by,
        approved_alone=approved_alone,
        reason=reason,
    )
    transaction.on_commit(lambda: production_version_cache_clear(task=version.task))
    return current
