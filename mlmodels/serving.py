"""Serving predictions: each process keeps the models it serves in memory, keyed by version id.

Every call reads the production version id from the cache (one cheap read); a process whose
production model is outdated loads the new one before answering, so a promotion reaches every
worker on its next request without a restart.
"""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mlmodels.artifacts import artifact_load
from mlmodels.schema import FEATURE_COLUMNS, records_validate
from mlmodels.scoring import Scorer
from mlmodels.selectors import model_version_get, model_version_get_production_id
from pricing_site.exceptions import ApplicationError
from pricing_site.metrics import MODEL_LOAD_SECONDS, PREDICTION_SECONDS

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


@dataclass(frozen=True)
class Prediction:
    version_id: int
    task: str
    average_claim_cost: Decimal
    uses_location: bool
    large_claim_loading: Decimal
    values: list[float]


_loaded: OrderedDict[int, LoadedModel] = OrderedDict()
_loading = threading.Lock()


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
    )


def model_version_predict(
    *, task: str, records: list[Any], version_id: int | None = None
) -> Prediction:
    """One prediction per record, in order, by *version_id* or the production model of *task*."""
    if version_id is None:
        version_id = model_version_get_production_id(task=task)
    model = loaded_model_get(version_id=version_id)
    if model.task != task:
        raise ApplicationError(
            f"Model version {version_id} predicts {model.task}, not {task}.",
            code="task_mismatch",
            field="model",
        )
    columns, errors = records_validate(records, features=model.features)
    if errors:
        raise ApplicationError(
            f"{len(errors)} invalid field(s) in the records: see `fields`.",
            code="invalid_records",
            fields=errors,
        )
    started = time.perf_counter()
    values = model.scorer.predict(columns)
    if model.balance_factor != 1.0:
        values = values * model.balance_factor
    PREDICTION_SECONDS.labels(task=task).observe(time.perf_counter() - started)
    return Prediction(
        version_id=version_id,
        task=task,
        average_claim_cost=model.average_claim_cost,
        uses_location=model.uses_location,
        large_claim_loading=model.large_claim_loading,
        values=values.tolist(),
    )
