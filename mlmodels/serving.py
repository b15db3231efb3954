"""Serving predictions: each process keeps the models it serves in memory, keyed by version id.

Every call reads the production version id from the cache (one cheap read); a process whose
production model is outdated loads the new one before answering, so a promotion reaches every
worker on its next request without a restart.
"""

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.utils.translation import gettext
from sklearn.pipeline import Pipeline

from mlmodels.artifacts import ArtifactRejectedError, artifact_load
from mlmodels.explain import Explanation, prediction_explain
from mlmodels.schema import FEATURE_COLUMNS, records_validate
from mlmodels.scoring import Columns, Scorer
from mlmodels.selectors import model_version_get, model_version_get_production_id
from pricing_site.exceptions import ApplicationError, NotFoundError
from pricing_site.metrics import MODEL_LOAD_SECONDS, PREDICTION_SECONDS

logger = logging.getLogger(__name__)

# Production models of both tasks plus a few versions asked for explicitly (?model=ID).
MAX_LOADED_MODELS = 4


@dataclass(frozen=True)
class LoadedModel:
    version_id: int
    task: str
    average_claim_cost: Decimal
    categories: dict[str, list[str]]
    features: tuple[str, ...]
    uses_location: bool
    balance_factor: float
    large_claim_loading: Decimal
    scorer: Scorer
    pipeline: Pipeline  # what explains a prediction
    design_mean: list[float] | None  # a GLM's average policy (None: trained before it was kept)


@dataclass(frozen=True)
class Prediction:
    version_id: int
    task: str
    average_claim_cost: Decimal
    uses_location: bool
    large_claim_loading: Decimal
    values: list[float]


@dataclass(frozen=True)
class LoadFailure:
    """A newly promoted version this process could not load, and the one it serves instead."""

    version_id: int
    serving_version_id: int
    reason: str


_loaded: OrderedDict[int, LoadedModel] = OrderedDict()
_loading = threading.Lock()
# Per task, the production version this process serves, and a newer one it failed to load.
_serving: dict[str, int] = {}
_load_failures: dict[str, LoadFailure] = {}


def production_model_get(*, task: str) -> LoadedModel:
    """The production model of *task*. When the promoted version cannot be loaded here (its
    artifact was altered after promotion, say), the process keeps serving the version it served
    before, logs it once and reports it in /readyz, rather than failing every request."""
    version_id = model_version_get_production_id(task=task)
    failure = _load_failures.get(task)
    if failure is not None and failure.version_id == version_id:
        return loaded_model_get(version_id=failure.serving_version_id)
    try:
        model = loaded_model_get(version_id=version_id)
    except ArtifactRejectedError as error:
        serving = _serving.get(task)
        if serving is None:
            raise
        logger.error(
            "promoted model cannot be loaded; serving the previous one",
            extra={"task": task, "version": version_id, "serving": serving, "reason": str(error)},
        )
        _load_failures[task] = LoadFailure(version_id, serving, error.message)
        return loaded_model_get(version_id=serving)
    _serving[task] = version_id
    _load_failures.pop(task, None)
    return model


def model_load_failures() -> dict[str, LoadFailure]:
    return dict(_load_failures)


def model_load_degradations() -> dict[str, dict[str, Any]]:
    """The readiness probe's "models": each task whose production version failed to load."""
    return {
        task: {
            "production_version": failure.version_id,
            "serving_version": failure.serving_version_id,
            "reason": failure.reason,
        }
        for task, failure in model_load_failures().items()
    }


def loaded_model_get(*, version_id: int) -> LoadedModel:
    """The in-memory model of *version_id*, loaded (and verified) on first use in this process."""
    model = _loaded.get(version_id)
    if model is not None:
        return model
    with _loading:
        model = _loaded.get(version_id)
        if model is None:
            model = model_load(version_id=version_id)
            _loaded[version_id] = model
            while len(_loaded) > MAX_LOADED_MODELS:
                _loaded.popitem(last=False)
    return model


def model_load(*, version_id: int) -> LoadedModel:
    started = time.perf_counter()
    version = model_version_get(version_id=version_id)
    pipeline = artifact_load(
        data=version.artifact,
        sha256=version.artifact_sha256,
        signature=version.artifact_signature,
        sklearn_version=version.sklearn_version,
    )
    MODEL_LOAD_SECONDS.labels(task=version.task).observe(time.perf_counter() - started)
    return LoadedModel(
        version_id=version.pk,
        task=version.task,
        average_claim_cost=version.average_claim_cost,
        categories=version.feature_schema.get("categories", {}),
        features=tuple(version.feature_schema.get("features", FEATURE_COLUMNS)),
        uses_location=version.uses_location,
        balance_factor=version.balance_factor,
        large_claim_loading=version.large_claim_loading or Decimal("0"),
        scorer=Scorer(pipeline, task=version.task),
        pipeline=pipeline,
        design_mean=version.factors.get("average_design"),
    )


def model_get(*, task: str, version_id: int | None = None) -> LoadedModel:
    """The loaded model of *version_id*, or the production model of *task*."""
    model = (
        production_model_get(task=task)
        if version_id is None
        else loaded_model_get(version_id=version_id)
    )
    if model.task != task:
        # No version of that id predicts *task*: for this request it does not exist.
        raise NotFoundError(
            gettext("Model version %(id)s predicts %(task)s, not %(asked)s.")
            % {"id": model.version_id, "task": model.task, "asked": task},
            code="task_mismatch",
            field="model",
        )
    return model


def model_scores(model: LoadedModel, columns: Columns) -> np.ndarray:
    """*model*'s predictions for validated feature columns, rebalanced as it was trained."""
    started = time.perf_counter()
    values = model.scorer.predict(columns)
    if model.balance_factor != 1.0:
        values = values * model.balance_factor
    PREDICTION_SECONDS.labels(task=model.task).observe(time.perf_counter() - started)
    return values


def model_version_predict(
    *, task: str, records: list[Any], version_id: int | None = None
) -> Prediction:
    """One prediction per record, in order, by *version_id* or the production model of *task*."""
    model = model_get(task=task, version_id=version_id)
    columns, errors = records_validate(records, features=model.features)
    if errors:
        raise ApplicationError(
            gettext("%(count)s invalid field(s) in the records: see `fields`.")
            % {"count": len(errors)},
            code="invalid_records",
            fields=errors,
        )
    return Prediction(
        version_id=model.version_id,
        task=task,
        average_claim_cost=model.average_claim_cost,
        uses_location=model.uses_location,
        large_claim_loading=model.large_claim_loading,
        values=model_scores(model, columns).tolist(),
    )


def model_version_explain(*, version_id: int, record: dict[str, Any]) -> Explanation | None:
    """How each characteristic of *record* moves *version_id*'s prediction from the average
    policy's (see mlmodels.explain); None for a model that cannot say."""
    model = loaded_model_get(version_id=version_id)
    return prediction_explain(
        pipeline=model.pipeline,
        record=record,
        balance=model.balance_factor,
        design_mean=model.design_mean,
    )
