"""The compiled scorer predicts exactly what the fitted pipeline predicts, for every pipeline."""

import random

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from mlmodels.pipelines import ESTIMATOR_CLASSES, pipeline_build, pipeline_fit, pipeline_predict
from mlmodels.schema import FEATURE_COLUMNS, records_validate
from mlmodels.scoring import Scorer, logistic
from mlmodels.synthetic import portfolio_generate
from mlmodels.tests.fixtures import FAST_PARAMS, random_record

# Every (task, estimator) the project builds, severity has no random forest; and the
# location-aware GLM of the analysis, whose postcode encoder maps rare and unseen codes to a
# column of their own.
COMBINATIONS = [
    *((task.value, estimator.value, False) for task, estimator in ESTIMATOR_CLASSES),
    ("claim_frequency", "glm", True),
]


@pytest.fixture(
    scope="module",
    params=COMBINATIONS,
    ids=[f"{t}-{e}{'-location' if location else ''}" for t, e, location in COMBINATIONS],
)
def pipeline(request):
    task, estimator, location = request.param
    frame = portfolio_generate(rows=4000, seed=2)
    fitted = pipeline_fit(
        pipeline_build(
            task=task, estimator=estimator, params=FAST_PARAMS[estimator], location=location
        ),
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


@pytest.mark.parametrize("count", [1, 3])
def test_scorer_predicts_what_pipeline_predicts_beyond_the_tabulated_values(pipeline, count):
    records = [{**random_record(random.Random(seed)), "power": 1500} for seed in range(count)]
    columns, _ = records_validate([{**record, "power": 1000} for record in records])

    fast = Scorer(pipeline, task=pipeline.task).predict({**columns, "power": [1500] * count})

    expected = pipeline_predict(
        pipeline, task=pipeline.task, frame=pd.DataFrame(records, columns=list(FEATURE_COLUMNS))
    )
    np.testing.assert_allclose(fast, expected, rtol=0, atol=1e-9)


@pytest.mark.parametrize("count", [1, 20])
@pytest.mark.parametrize("estimator", ["glm", "hist_gradient_boosting"])
def test_scorer_predicts_what_pipeline_predicts_for_a_category_unseen_in_training(estimator, count):
    # A small dataset may lack a category: the encoder ignores it (no column set).
    frame = portfolio_generate(rows=2000, seed=3)
    fitted = pipeline_fit(
        pipeline_build(task="claim_frequency", estimator=estimator, params=FAST_PARAMS[estimator]),
        task="claim_frequency",
        frame=frame[frame["coverage"] != "TPL++"].reset_index(drop=True),
    )
    # The first record's coverage is the unseen one.
    records = [{**random_record(random.Random(seed)), "coverage": "TPL++"} for seed in range(1)]
    records += [random_record(random.Random(seed)) for seed in range(1, count)]
    columns, _ = records_validate(records)

    fast = Scorer(fitted, task="claim_frequency").predict(columns)

    expected = pipeline_predict(
        fitted, task="claim_frequency", frame=pd.DataFrame(records, columns=list(FEATURE_COLUMNS))
    )
    np.testing.assert_allclose(fast, expected, rtol=0, atol=1e-9)


def test_one_record_is_scored_in_plain_floats_but_by_random_forests(pipeline):
    # Each numpy call costs a serving process several times what it costs alone, and one row
    # needs dozens: GLMs and boosted trees score one record without them.
    scorer = Scorer(pipeline, task=pipeline.task)

    assert (scorer.predict_row is None) == ("RandomForest" in type(pipeline[-1]).__name__)


@pytest.mark.parametrize("z", [-800.0, -30.0, -0.5, 0.0, 0.5, 30.0, 800.0])
def test_logistic_is_scipys_expit_without_overflow(z):
    assert logistic(z) == pytest.approx(expit(z), rel=1e-15, abs=0)
