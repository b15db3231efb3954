"""Promotion: exactly one production version per task, whoever promotes at the same moment."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from mlmodels.caching import production_version_cache_clear
from mlmodels.models import ModelVersion
from pricing_site.exceptions import ConflictError


@transaction.atomic
def model_version_promote(*, version: ModelVersion, promoted_by: Any = None) -> ModelVersion:
    """Promote *version* and retire the previous production version of the same task."""
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
            f"Model version {version.pk} is already in production.", code="already_production"
        )
    ModelVersion.objects.filter(task=version.task, is_production=True).update(is_production=False)
    current.is_production = True
    current.promoted_at = timezone.now()
    current.promoted_by = promoted_by
    current.save(update_fields=["is_production", "promoted_at", "promoted_by"])
    transaction.on_commit(lambda: production_version_cache_clear(task=version.task))
    return current
