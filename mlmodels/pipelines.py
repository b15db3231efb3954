"""The scikit-learn pipelines: a feature step built from the schema, then the estimator."""

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import LogisticRegression, PoissonRegressor
from sklearn.metrics import log_loss, mean_poisson_deviance
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, SplineTransformer

from mlmodels.models import Estimator, Task
from mlmodels.schema import CATEGORICAL_FEATURES, NUMERIC_FEATURES

RANDOM_STATE = 0
# Postcodes are geographically ordered, so trees split them into regions; the GLM one-hot
# encodes them and pools rare ones.
POSTCODE_MIN_FREQUENCY = 500
CONTINUOUS_FEATURES = tuple(name for name in NUMERIC_FEATURES if name not in ("fleet", "postcode"))

DEFAULT_PARAMS: dict[tuple[str, str], dict[str, Any]] = {
    (Task.CLAIM_FREQUENCY, Estimator.GLM): {"alpha": 1e-4, "max_iter": 300},
    (Task.CLAIM_PROBABILITY, Estimator.GLM): {"C": 1.0, "max_iter": 1000},
    (Task.CLAIM_FREQUENCY, Estimator.RANDOM_FOREST): {
        "n_estimators": 100,
        "min_samples_leaf": 50,
        "max_features": 0.5,
        "n_jobs": 1,
        "random_state": RANDOM_STATE,
    },
    (Task.CLAIM_PROBABILITY, Estimator.RANDOM_FOREST): {
        "n_estimators": 100,
        "min_samples_leaf": 50,
        "max_features": 0.5,
        "n_jobs": 1,
        "random_state": RANDOM_STATE,
    },
    (Task.CLAIM_FREQUENCY, Estimator.HIST_GRADIENT_BOOSTING): {
        "max_iter": 200,
        "learning_rate": 0.05,
        "min_samples_leaf": 100,
        "random_state": RANDOM_STATE,
    },
    (Task.CLAIM_PROBABILITY, Estimator.HIST_GRADIENT_BOOSTING): {
        "max_iter": 200,
        "learning_rate": 0.05,
        "min_samples_leaf": 100,
        "random_state": RANDOM_STATE,
    },
}
ESTIMATOR_CLASSES = {
    (Task.CLAIM_FREQUENCY, Estimator.GLM): PoissonRegressor,
    (Task.CLAIM_PROBABILITY, Estimator.GLM): LogisticRegression,
    (Task.CLAIM_FREQUENCY, Estimator.RANDOM_FOREST): lambda **p: RandomForestRegressor(
        criterion="poisson", **p
    ),
    (Task.CLAIM_PROBABILITY, Estimator.RANDOM_FOREST): RandomForestClassifier,
    (Task.CLAIM_FREQUENCY, Estimator.HIST_GRADIENT_BOOSTING): lambda **p: (
        HistGradientBoostingRegressor(loss="poisson", **p)
    ),
    (Task.CLAIM_PROBABILITY, Estimator.HIST_GRADIENT_BOOSTING): HistGradientBoostingClassifier,
}


@dataclass(frozen=True)
class Target:
    """What a task learns from a portfolio, and how its predictions are scored (lower is better)."""

    y: np.ndarray
    sample_weight: np.ndarray | None


def feature_step_build(*, estimator: str) -> ColumnTransformer:
    """The feature step from the schema: one-hot categories; splines for the GLM's numbers."""
    categorical = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    if estimator == Estimator.GLM:
        steps = [
            ("categorical", categorical, list(CATEGORICAL_FEATURES)),
            (
                "postcode",
                OneHotEncoder(
                    handle_unknown="infrequent_if_exist",
                    min_frequency=POSTCODE_MIN_FREQUENCY,
                    sparse_output=False,
                ),
                ["postcode"],
            ),
            ("splines", SplineTransformer(n_knots=5, degree=3), list(CONTINUOUS_FEATURES)),
            ("binary", "passthrough", ["fleet"]),
        ]
    else:
        steps = [
            ("categorical", categorical, list(CATEGORICAL_FEATURES)),
            ("numeric", "passthrough", list(NUMERIC_FEATURES)),
        ]
    return ColumnTransformer(steps, remainder="drop", verbose_feature_names_out=False)


def pipeline_build(*, task: str, estimator: str, params: dict[str, Any] | None = None) -> Pipeline:
    """The untrained pipeline for *task* with *estimator*; *params* override the defaults."""
    key = (Task(task), Estimator(estimator))
    estimator_params = {**DEFAULT_PARAMS[key], **(params or {})}
    return Pipeline(
        [
            ("features", feature_step_build(estimator=estimator)),
            ("estimator", ESTIMATOR_CLASSES[key](**estimator_params)),
        ]
    )


def target_build(*, task: str, frame: pd.DataFrame) -> Target:
    """Frequency: claims per year of exposure, weighted by exposure. Probability: any claim."""
    nclaims = frame["nclaims"].to_numpy(dtype=float)
    if task == Task.CLAIM_FREQUENCY:
        exposure = frame["expo"].to_numpy(dtype=float)
        return Target(y=nclaims / exposure, sample_weight=exposure)
    return Target(y=(nclaims > 0).astype(int), sample_weight=None)


def pipeline_fit(pipeline: Pipeline, *, task: str, frame: pd.DataFrame) -> Pipeline:
    target = target_build(task=task, frame=frame)
    fit_params = (
        {} if target.sample_weight is None else {"estimator__sample_weight": target.sample_weight}
    )
    return pipeline.fit(frame, target.y, **fit_params)


def pipeline_predict(pipeline: Pipeline, *, task: str, frame: pd.DataFrame) -> np.ndarray:
    """Claims per year (frequency) or the probability of at least one claim."""
    if task == Task.CLAIM_PROBABILITY:
        return pipeline.predict_proba(frame)[:, 1]
    return pipeline.predict(frame)


def pipeline_score(pipeline: Pipeline, *, task: str, frame: pd.DataFrame) -> float:
    """The task's metric on *frame*: mean Poisson deviance (weighted by exposure) or log loss."""
    target = target_build(task=task, frame=frame)
    predicted = pipeline_predict(pipeline, task=task, frame=frame)
    if task == Task.CLAIM_FREQUENCY:
        return float(
            mean_poisson_deviance(
                target.y, np.clip(predicted, 1e-9, None), sample_weight=target.sample_weight
            )
        )
    return float(log_loss(target.y, predicted, labels=[0, 1]))


METRIC_NAMES = {Task.CLAIM_FREQUENCY: "mean_poisson_deviance", Task.CLAIM_PROBABILITY: "log_loss"}
