"""Data tests: what the schema accepts, the pipelines accept; on the real portfolio when present
and on generated data spanning every allowed value."""

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.conf import settings as django_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlmodels.pipelines import ESTIMATOR_CLASSES, pipeline_build, pipeline_fit, pipeline_predict
from mlmodels.schema import (
    COLUMNS,
    FEATURE_COLUMNS,
    dataset_validate,
    portfolio_read,
    portfolio_typed,
    records_validate,
)
from mlmodels.synthetic import portfolio_generate

REAL_PORTFOLIO = Path(django_settings.PRICING_SHARED_DIR) / "data" / "beMTPL97.csv"
# Every (task, estimator) the project builds; severity has no random forest.
COMBINATIONS = [(task.value, estimator.value) for task, estimator in ESTIMATOR_CLASSES]
FAST = {"random_forest": {"n_estimators": 10}, "hist_gradient_boosting": {"max_iter": 20}}


def feature_strategy(name: str) -> st.SearchStrategy:
    column = COLUMNS[name]
    if column.kind == "category":
        return st.sampled_from(column.categories)
    return st.integers(int(column.minimum), int(column.maximum))


RECORDS = st.lists(
    st.fixed_dictionaries({name: feature_strategy(name) for name in FEATURE_COLUMNS}),
    min_size=1,
    max_size=30,
)


@pytest.fixture(scope="module", params=COMBINATIONS, ids=[f"{t}-{e}" for t, e in COMBINATIONS])
def fitted(request):
    task, estimator = request.param
    frame = portfolio_generate(rows=2000, seed=5)
    return task, pipeline_fit(
        pipeline_build(task=task, estimator=estimator, params=FAST.get(estimator)),
        task=task,
        frame=frame,
    )


@given(records=RECORDS)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_pipelines_predict_every_record_the_schema_accepts(fitted, records):
    task, pipeline = fitted
    _, errors = records_validate(records)

    assert errors == []
    predicted = pipeline_predict(pipeline, task=task, frame=pd.DataFrame(records))
    assert np.isfinite(predicted).all()
    assert (predicted >= 0).all()


@pytest.mark.slow
@pytest.mark.skipif(not REAL_PORTFOLIO.exists(), reason="../shared/data is absent")
@pytest.mark.parametrize(("task", "estimator"), COMBINATIONS)
def test_pipelines_train_on_real_portfolio_sample(task, estimator):
    frame = portfolio_read(REAL_PORTFOLIO)
    assert dataset_validate(frame).is_valid
    sample = portfolio_typed(frame).sample(n=8000, random_state=0)

    pipeline = pipeline_fit(
        pipeline_build(task=task, estimator=estimator, params=FAST.get(estimator)),
        task=task,
        frame=sample,
    )

    assert np.isfinite(pipeline_predict(pipeline, task=task, frame=sample.head(500))).all()


def test_generated_portfolio_passes_schema_and_follows_documented_frequency():
    frame = portfolio_generate(rows=50_000, seed=1)
    report = dataset_validate(portfolio_read(io.StringIO(frame.to_csv(index=False))))

    assert report.is_valid
    # The documented base 0.10 per year, times the average of the documented factors.
    frequency = frame["nclaims"].sum() / frame["expo"].sum()
    assert 0.11 < frequency < 0.16
