"""The tariff's frequency model learns around the zone factors: location counted once, in them."""

import numpy as np
import pandas as pd

from mlmodels.models import Estimator, Task
from mlmodels.pipelines import ZONE_FACTOR_COLUMN, pipeline_build, pipeline_fit


def frequency_fit_without_location(frame: pd.DataFrame, offset: np.ndarray) -> np.ndarray:
    """Expected claims per year of each policy by a location-free Poisson GLM fitted with the
    zone factors *offset*, before the factor (what the zoning compares claims with)."""
    pipeline = pipeline_build(task=Task.CLAIM_FREQUENCY, estimator=Estimator.GLM)
    pipeline_fit(
        pipeline, task=Task.CLAIM_FREQUENCY, frame=frame.assign(**{ZONE_FACTOR_COLUMN: offset})
    )
    return np.asarray(pipeline.predict(frame))
