"""The compiled scorer predicts exactly what the fitted pipeline predicts, for every pipeline."""

import random

import numpy as np
import pandas as pd
import pytest

from mlmodels.pipelines import ESTIMATOR_CLASSES, pipeline_build, pipeline_fit, pipeline_predict
from mlmodels.schema import FEATURE_COLUMNS, records_validate
from mlmodels.scoring import Scorer
from mlmodels.synthetic import portfolio_generate
from mlmodels.tests.fixtures import FAST_PARAMS, random_record

# Every (task, estimator) the project builds; severity has no random forest.
COMBINATIONS = [(task.value, estimator.value) for task, estimator in ESTIMATOR_CLASSES]


@pytest.fixture(scope="module", params=COMBINATIONS, ids=[f"{t}-{e}" for t, e in COMBINATIONS])
def pipeline(request):
    task, estimator = request.param
    frame = portfolio_generate(rows=4000, seed=2)
    fitted = pipeline_fit(
        pipeline_build(task=task, estimator=estimator, params=FAST_PARAMS[estimator]),
        task=task,
        frame=frame,
    )
    fitted.task = task
    return fitted


@pytest.mark.parametrize("count", [1, 7, 500])
def test_scorer_predicts_what_pipeline_predicts(pipeline, count):
    records = [random_record(random.Random(seed)) for seed in range(count)]
    columns, errors = records_validate(records)

    fast = Scorer(pipeline, task=pipeline.task).predict(columns)

    expected = pipeline_predict(
        pipeline, task=pipeline.task, frame=pd.DataFrame(records, columns=list(FEATURE_COLUMNS))
    )
    assert errors == []
    np.testing.assert_allclose(fast, expected, rtol=0, atol=1e-9)


def test_scorer_predicts_what_pipeline_predicts_beyond_the_tabulated_values(pipeline):
    records = [{**random_record(random.Random(seed)), "power": 1500} for seed in range(3)]
    columns, _ = records_validate([{**record, "power": 1000} for record in records])

    fast = Scorer(pipeline, task=pipeline.task).predict({**columns, "power": [1500] * 3})

    expected = pipeline_predict(
        pipeline, task=pipeline.task, frame=pd.DataFrame(records, columns=list(FEATURE_COLUMNS))
    )
    np.testing.assert_allclose(fast, expected, rtol=0, atol=1e-9)
