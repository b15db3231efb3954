"""Every pipeline, step by step: fit, predict, the feature step, the estimator on its output."""

import numpy as np
import pytest
from sklearn.base import clone

from mlmodels.models import Task
from mlmodels.pipelines import (
    ESTIMATOR_CLASSES,
    pipeline_build,
    pipeline_fit,
    pipeline_predict,
    target_build,
)
from mlmodels.tests.fixtures import FAST_PARAMS

# Every (task, estimator) the project builds; severity has no random forest.
COMBINATIONS = [(task.value, estimator.value) for task, estimator in ESTIMATOR_CLASSES]


@pytest.fixture(params=COMBINATIONS, ids=[f"{t}-{e}" for t, e in COMBINATIONS])
def pipeline(request):
    task, estimator = request.param
    built = pipeline_build(task=task, estimator=estimator, params=FAST_PARAMS[estimator])
    built.task = task  # type: ignore[attr-defined]
    return built


def fit_params(task, frame):
    target = target_build(task=task, frame=frame)
    return target, ({} if target.sample_weight is None else {"sample_weight": target.sample_weight})


def test_pipeline_fits(pipeline, typed_frame):
    fitted = pipeline_fit(pipeline, task=pipeline.task, frame=typed_frame)

    assert hasattr(fitted.named_steps["estimator"], "n_features_in_")


def test_pipeline_predicts_after_fitting(pipeline, typed_frame):
    pipeline_fit(pipeline, task=pipeline.task, frame=typed_frame)

    predicted = pipeline_predict(pipeline, task=pipeline.task, frame=typed_frame.head(50))

    assert predicted.shape == (50,)
    assert np.all(predicted >= 0)
    if pipeline.task == Task.CLAIM_PROBABILITY:
        assert np.all(predicted <= 1)


def test_feature_step_fits(pipeline, typed_frame):
    features = clone(pipeline.named_steps["features"]).fit(typed_frame)

    assert set(features.get_feature_names_out()).isdisjoint({"sex", "sex_male", "sex_female"})


def test_feature_step_transforms_after_fitting(pipeline, typed_frame):
    features = clone(pipeline.named_steps["features"]).fit(typed_frame)

    transformed = features.transform(typed_frame.head(10))

    assert transformed.shape[0] == 10
    assert np.isfinite(transformed).all()


def test_estimator_fits_on_feature_step_output(pipeline, typed_frame):
    transformed = clone(pipeline.named_steps["features"]).fit_transform(typed_frame)
    target, params = fit_params(pipeline.task, typed_frame)

    estimator = clone(pipeline.named_steps["estimator"]).fit(
        transformed[target.rows], target.y, **params
    )

    assert estimator.n_features_in_ == transformed.shape[1]


def test_estimator_predicts_on_feature_step_output(pipeline, typed_frame):
    transformed = clone(pipeline.named_steps["features"]).fit_transform(typed_frame)
    target, params = fit_params(pipeline.task, typed_frame)
    estimator = clone(pipeline.named_steps["estimator"]).fit(
        transformed[target.rows], target.y, **params
    )

    assert estimator.predict(transformed[:5]).shape == (5,)


def test_pipeline_ignores_sex_even_when_present(typed_frame):
    pipeline = pipeline_fit(
        pipeline_build(task="claim_frequency", estimator="glm"),
        task="claim_frequency",
        frame=typed_frame,
    )
    flipped = typed_frame.assign(sex=typed_frame["sex"].map({"male": "female", "female": "male"}))

    assert np.array_equal(pipeline.predict(typed_frame), pipeline.predict(flipped))
