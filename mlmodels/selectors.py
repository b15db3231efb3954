"""Reads of the model registry: versions, the production version id (cached), datasets."""

import uuid

import pandas as pd
from django.db.models import QuerySet

from mlmodels.caching import PRODUCTION_VERSION_TTL, production_version_key
from mlmodels.models import Dataset, ModelVersion, TrainingJob
from mlmodels.schema import portfolio_read, portfolio_typed
from pricing_site.caching import cache_get_or_load
from pricing_site.exceptions import NotFoundError, ServiceUnavailableError


def model_version_get_production_id(*, task: str) -> int:
    """The id of the production version of *task*; every web process checks it per request."""
    version_id = cache_get_or_load(
        key=production_version_key(task=task),
        entity="production_version",
        loader=lambda: (
            ModelVersion.objects.filter(task=task, is_production=True)
            .values_list("pk", flat=True)
            .first()
        ),
        timeout=PRODUCTION_VERSION_TTL,
    )
    if version_id is None:
        raise ServiceUnavailableError(
            f"No model is in production for {task}: promote one first.",
            code="no_production_model",
            extra={"task": task},
        )
    return version_id


def model_version_get(*, version_id: int) -> ModelVersion:
    version = ModelVersion.objects.select_related("dataset").filter(pk=version_id).first()
    if version is None:
        raise NotFoundError(
            f"There is no model version {version_id}.", code="model_not_found", field="model"
        )
    return version


def model_version_get_production(*, task: str) -> ModelVersion:
    return model_version_get(version_id=model_version_get_production_id(task=task))


def model_version_list(*, task: str | None = None) -> QuerySet[ModelVersion]:
    versions = ModelVersion.objects.select_related("dataset").defer("artifact")
    return versions.filter(task=task) if task else versions


def dataset_frame_get(*, dataset: Dataset) -> pd.DataFrame:
    """The dataset's rows, typed by the schema (a stored dataset was validated on upload)."""
    with dataset.file.open("rb") as file:
        return portfolio_typed(portfolio_read(file))


def training_job_get(*, job_id: uuid.UUID) -> TrainingJob:
    job = TrainingJob.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFoundError(f"There is no training job {job_id}.", code="job_not_found")
    return job
