"""Scoring a fitted pipeline: claims per year (frequency) or the probability of a claim."""

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from mlmodels.models import Task


class Scorer:
    """Predictions of one fitted pipeline for validated feature rows."""

    def __init__(self, pipeline: Pipeline, *, task: str) -> None:
        self.pipeline = pipeline
        self.task = task

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        if self.task == Task.CLAIM_PROBABILITY:
            return self.pipeline.predict_proba(frame)[:, 1]
        return self.pipeline.predict(frame)
