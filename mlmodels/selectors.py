"""Reads of the model registry: versions, the production version id (cached), datasets."""

import uuid
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from django.db.models import QuerySet
from django.utils.translation import get_language, gettext

from mlmodels.caching import (
    COMPARISON_TTL,
    FACTOR_CHARTS_TTL,
    PRODUCTION_VERSION_TTL,
    comparison_key,
    factor_charts_key,
    production_version_key,
)
from mlmodels.models import Dataset, ModelVersion, TrainingJob
from mlmodels.offsets import offset_version_get
from mlmodels.schema import portfolio_read, portfolio_typed
from pricing_site.caching import cache_get_or_load
from pricing_site.exceptions import NotFoundError, ServiceUnavailableError

if TYPE_CHECKING:
    from mlmodels.services.evaluation import Comparison


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
            gettext("No model is in production for %(task)s: promote one first.") % {"task": task},
            code="no_production_model",
            extra={"task": task},
        )
    return version_id


def model_version_get(*, version_id: int) -> ModelVersion:
    version = ModelVersion.objects.select_related("dataset").filter(pk=version_id).first()
    if version is None:
        raise NotFoundError(
            gettext("There is no model version %(id)s.") % {"id": version_id},
            code="model_not_found",
            field="model",
        )
    return version


def model_version_get_production(*, task: str) -> ModelVersion:
    return model_version_get(version_id=model_version_get_production_id(task=task))


def model_version_list(*, task: str | None = None) -> QuerySet[ModelVersion]:
    versions = ModelVersion.objects.select_related("dataset").defer("artifact")
    return versions.filter(task=task) if task else versions


def model_version_comparison_get(
    *, version: ModelVersion, production: ModelVersion
) -> "Comparison":
    """*version* against *production* on its dataset's holdout, computed once per pair (and
    zoning) and kept: the model page opens without scoring the portfolio again."""
    # Evaluation reads through these selectors: import it here to keep the graph acyclic.
    from mlmodels.services.evaluation import model_versions_compare

    def compare() -> "Comparison":
        versions = [version] if production.pk == version.pk else [version, production]
        comparison = model_versions_compare(
            versions=versions, frame=dataset_frame_get(dataset=version.dataset)
        )
        # Kept without the per-policy predictions and the artifacts: the page shows neither.
        return replace(
            comparison,
            evaluations=[
                replace(
                    evaluation,
                    version=ModelVersion.objects.defer("artifact").get(pk=evaluation.version.pk),
                    predicted=np.empty(0),
                )
                for evaluation in comparison.evaluations
            ],
        )

    key = comparison_key(
        version_id=version.pk,
        production_id=production.pk,
        zoning_version=offset_version_get(task=version.task),
        language=get_language(),
    )
    return cache_get_or_load(key=key, entity="comparison", loader=compare, timeout=COMPARISON_TTL)


def model_version_factors_get(*, version_id: int) -> tuple[ModelVersion, dict[str, Any]]:
    """*version_id*'s rating factors; 404 for a model without (a claim-probability model, or one
    trained before they were computed: retrain it)."""
    version = ModelVersion.objects.defer("artifact").filter(pk=version_id).first()
    if version is None:
        raise NotFoundError(
            gettext("There is no model version %(id)s.") % {"id": version_id},
            code="model_not_found",
        )
    if not version.factors:
        raise NotFoundError(
            gettext(
                "Model version %(id)s has no rating factors: only frequency and severity models "
                "have them, computed when they are trained."
            )
            % {"id": version_id},
            code="factors_not_available",
        )
    return version, version.factors


def model_version_factor_charts_get(*, version: ModelVersion) -> dict[str, str]:
    """The one-way chart (a PNG in base64) of each of *version*'s rating variables, drawn once
    per language and kept: the model page shows them without drawing."""
    from mlmodels.services.evaluation import rating_factor_chart

    factors = version.factors

    def draw() -> dict[str, str]:
        return {
            factor["variable"]: rating_factor_chart(
                factor, measure=factors["measure"], exposure=factors["exposure"]
            )
            for factor in factors.get("variables", [])
        }

    return cache_get_or_load(
        key=factor_charts_key(version_id=version.pk, language=get_language()),
        entity="factor_charts",
        loader=draw,
        timeout=FACTOR_CHARTS_TTL,
    )


def dataset_get_latest() -> Dataset | None:
    """The most recently uploaded portfolio (what the admin simulates scenarios on)."""
    return Dataset.objects.order_by("-uploaded_at", "-pk").first()


def dataset_frame_get(*, dataset: Dataset, rows: range | None = None) -> pd.DataFrame:
    """The dataset's rows (or only *rows*), typed by the schema (a stored dataset was validated
    on upload)."""
    with dataset.file.open("rb") as file:
        return portfolio_typed(portfolio_read(file, rows=rows))


def training_job_get(*, job_id: uuid.UUID) -> TrainingJob:
    job = TrainingJob.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFoundError(
            gettext("There is no training job %(id)s.") % {"id": job_id}, code="job_not_found"
        )
    return job
