"""Training: split, cross-validate, fit, evaluate, and store one model version atomically."""

import statistics
import time
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd
import sklearn
from sklearn.base import clone
from sklearn.model_selection import KFold, train_test_split
from sklearn.pipeline import Pipeline

from mlmodels.artifacts import artifact_dump
from mlmodels.factors import rating_factors
from mlmodels.models import Dataset, Estimator, ModelVersion, Task
from mlmodels.offsets import offset_frame, offset_get
from mlmodels.pipelines import (
    METRIC_NAMES,
    RANDOM_STATE,
    amount_capped,
    balance_fit,
    large_claim_cap_fit,
    pipeline_build,
    pipeline_fit,
    pipeline_score,
)
from mlmodels.schema import CATEGORICAL_FEATURES, COLUMNS, FEATURE_COLUMNS, RATING_FEATURES
from mlmodels.selectors import dataset_frame_get
from pricing_site.exceptions import ApplicationError

TEST_SIZE = 0.2
ProgressCallback = Callable[[int, str], None]


def no_progress(percent: int, step: str) -> None:
    """Progress is optional: commands print it, jobs store it."""


def feature_schema(*, location: bool) -> dict[str, Any]:
    return {
        "features": list(FEATURE_COLUMNS if location else RATING_FEATURES),
        "categories": {name: list(COLUMNS[name].categories) for name in CATEGORICAL_FEATURES},
    }


def dataset_split(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The same train/test split for every model trained or compared on a dataset."""
    return train_test_split(frame, test_size=TEST_SIZE, random_state=RANDOM_STATE)


def cross_validate(
    pipeline: Pipeline,
    *,
    task: str,
    frame: pd.DataFrame,
    folds: int,
    progress: ProgressCallback,
    cap: float | None = None,
) -> list[float]:
    """Fit on each fold's rest and score on the fold, balanced like the stored version is."""
    scores = []
    splitter = KFold(n_splits=folds, shuffle=True, random_state=RANDOM_STATE)
    for fold, (fit_rows, score_rows) in enumerate(splitter.split(frame), start=1):
        progress(10 + 60 * (fold - 1) // folds, f"cross-validation fold {fold}/{folds}")
        fit_frame = frame.iloc[fit_rows]
        fitted = pipeline_fit(clone(pipeline), task=task, frame=fit_frame, cap=cap)
        balance = balance_fit(fitted, task=task, frame=fit_frame, cap=cap)
        scores.append(
            pipeline_score(
                fitted, task=task, frame=frame.iloc[score_rows], cap=cap, balance=balance
            )
        )
    return scores


def training_arguments_check(*, task: str, estimator: str, cv: int) -> None:
    if task not in Task.values or estimator not in Estimator.values:
        raise ApplicationError(f"Unknown task {task!r} or estimator {estimator!r}.", code="invalid")
    if cv == 1 or cv < 0:
        raise ApplicationError(
            "Cross-validation needs at least 2 folds (or 0 for none).", code="invalid", field="cv"
        )


def average_claim_cost(train: pd.DataFrame) -> Decimal:
    """The training split's cost of one claim, to the cent (0 without claims)."""
    claims = int(train["nclaims"].sum())
    return Decimal(str(train["amount"].sum() / claims if claims else 0)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def large_claim_loading(train: pd.DataFrame, *, cap: float) -> Decimal:
    """The share of claims cost above the cap, spread over everyone as a loading."""
    capped = float(amount_capped(train, cap=cap).sum())
    excess = float(train["amount"].sum()) - capped
    return Decimal(excess / capped if capped else 0).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )


def version_metrics(
    *,
    task: str,
    test_score: float,
    cv_scores: list[float],
    train: pd.DataFrame,
    test: pd.DataFrame,
) -> dict[str, Any]:
    """What a version's page and the comparisons show: its holdout score and its CV."""
    return {
        "metric": METRIC_NAMES[Task(task)],
        "test": test_score,
        "cv_mean": statistics.fmean(cv_scores) if cv_scores else None,
        "cv_std": statistics.pstdev(cv_scores) if cv_scores else None,
        "cv_scores": cv_scores,
        "train_rows": len(train),
        "test_rows": len(test),
    }


def pipeline_trained(
    *,
    task: str,
    estimator: str,
    params: dict[str, Any] | None,
    location: bool,
    train: pd.DataFrame,
    cv: int,
    cap: float | None,
    progress: ProgressCallback,
) -> tuple[Pipeline, list[float]]:
    """The pipeline fitted on *train*, and its cross-validation scores there (none for 0)."""
    try:
        pipeline = pipeline_build(task=task, estimator=estimator, params=params, location=location)
        cv_scores = (
            cross_validate(pipeline, task=task, frame=train, folds=cv, progress=progress, cap=cap)
            if cv
            else []
        )
        progress(75, "fitting on the training split")
        pipeline_fit(pipeline, task=task, frame=train, cap=cap)
    # scikit-learn's InvalidParameterError is both a ValueError and a TypeError.
    except (TypeError, ValueError) as error:
        raise ApplicationError(
            f"The estimator refused its parameters: {error}", code="invalid_params", field="params"
        ) from error
    return pipeline, cv_scores


def model_version_train(
    *,
    dataset: Dataset,
    task: str,
    estimator: str,
    params: dict[str, Any] | None = None,
    cv: int = 5,
    location: bool = False,
    trained_by: Any = None,
    progress: ProgressCallback = no_progress,
) -> ModelVersion:
    """Train *estimator* for *task* on *dataset* and store it as a candidate version.

    By default the model carries no location: it then learns around the offset its task is
    given (for claim frequency, the tariff's zone factors), so that the tariff (model × zone
    factor) counts location once. A location-aware model (*location*) is for analysis and is
    refused by the quote.
    """
    training_arguments_check(task=task, estimator=estimator, cv=cv)
    progress(2, "reading the dataset")
    frame = dataset_frame_get(dataset=dataset)
    offset = None if location else offset_get(task=task)
    if offset is not None:  # the model learns around it
        frame = offset_frame(frame, offset=offset)
    train, test = dataset_split(frame)
    cap = large_claim_cap_fit(train) if task == Task.CLAIM_SEVERITY else None
    started = time.perf_counter()
    pipeline, cv_scores = pipeline_trained(
        task=task,
        estimator=estimator,
        params=params,
        location=location,
        train=train,
        cv=cv,
        cap=cap,
        progress=progress,
    )
    balance = balance_fit(pipeline, task=task, frame=train, cap=cap)
    progress(90, "evaluating on the test split")
    test_score = pipeline_score(pipeline, task=task, frame=test, cap=cap, balance=balance)
    training_seconds = time.perf_counter() - started
    progress(95, "rating factors")
    factors = rating_factors(
        pipeline=pipeline,
        task=task,
        estimator=estimator,
        frame=train,
        balance=balance,
        cap=cap,
        offset=offset,
    )
    data, sha256, signature = artifact_dump(pipeline)
    version = ModelVersion.objects.create(
        task=task,
        estimator=estimator,
        params=pipeline.named_steps["estimator"].get_params() | {"overrides": params or {}},
        dataset=dataset,
        dataset_sha256=dataset.sha256,
        feature_schema=feature_schema(location=location),
        artifact=data,
        artifact_sha256=sha256,
        artifact_signature=signature,
        sklearn_version=sklearn.__version__,
        uses_location=location,
        zoning_version=offset.version if offset else None,
        zone_factors={code: str(f) for code, f in offset.factors.items()} if offset else {},
        balance_factor=balance,
        large_claim_cap=cap,
        large_claim_loading=None if cap is None else large_claim_loading(train, cap=cap),
        metrics=version_metrics(
            task=task, test_score=test_score, cv_scores=cv_scores, train=train, test=test
        ),
        average_claim_cost=average_claim_cost(train),
        training_seconds=round(training_seconds, 3),
        factors=factors,
        trained_by=trained_by,
    )
    progress(100, f"stored as model version {version.pk}")
    return version
