"""How each characteristic of a policy moves its prediction away from the average policy's, read
from the model's own structure, so that staff can answer "why is my premium higher than my
neighbour's?".

Both kinds of model predict through a log link, so the prediction is the average policy's times
one factor per characteristic:
- a GLM: the linear predictor is a sum over the design's columns; a characteristic's factor is
  exp(Σ coefficient × (its columns' value − the training mean of those columns));
- boosted trees: each tree's value is the mean of its subtree at the root plus, along the row's
  path, the change of that mean at each split, credited to the split's characteristic (the
  decomposition of Saabas); the subtree means are weighted by the training rows in each leaf.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import GammaRegressor, PoissonRegressor
from sklearn.pipeline import Pipeline

from mlmodels.schema import FEATURE_COLUMNS

# Boosted-tree losses whose raw prediction is a logarithm.
LOG_LINK_LOSSES = ("poisson", "gamma")


@dataclass(frozen=True)
class Explanation:
    average: float  # the average policy's prediction, the version's balance included
    factors: dict[str, float]  # per characteristic, its factor on that average


def column_owners(pipeline: Pipeline) -> list[str]:
    """The characteristic behind each column of the pipeline's design."""
    names = pipeline.named_steps["features"].get_feature_names_out()
    return [
        next(f for f in FEATURE_COLUMNS if name == f or str(name).startswith(f"{f}_"))
        for name in names
    ]


def average_design(pipeline: Pipeline, frame: pd.DataFrame) -> list[float]:
    """The mean of each design column over the training rows (a GLM's average policy)."""
    return pipeline.named_steps["features"].transform(frame).mean(axis=0).tolist()


def subtree_means(nodes: np.ndarray) -> np.ndarray:
    """Each node's mean value over the training rows that reached it."""
    means = nodes["value"].astype(float).copy()
    counts = nodes["count"].astype(float)
    # Children always come after their parent: a pass from the last node up fills every mean.
    for node in range(len(nodes) - 1, -1, -1):
        if not nodes["is_leaf"][node]:
            left, right = nodes["left"][node], nodes["right"][node]
            total = counts[left] + counts[right]
            means[node] = (counts[left] * means[left] + counts[right] * means[right]) / total
    return means


def tree_contributions(estimator: Any, row: np.ndarray) -> tuple[float, np.ndarray]:
    """The raw prediction of the average row, and each design column's share of this row's."""
    contributions = np.zeros(len(row))
    bias = float(estimator._baseline_prediction.ravel()[0])
    for (predictor,) in estimator._predictors:
        nodes = predictor.nodes
        means = subtree_means(nodes)
        bias += means[0]
        node = 0
        while not nodes["is_leaf"][node]:
            feature = nodes["feature_idx"][node]
            goes_left = row[feature] <= nodes["num_threshold"][node]
            child = nodes["left"][node] if goes_left else nodes["right"][node]
            contributions[feature] += means[child] - means[node]
            node = child
    return bias, contributions


def prediction_explain(
    *, pipeline: Pipeline, record: dict[str, Any], balance: float, design_mean: list[float] | None
) -> Explanation | None:
    """Why the model predicts what it does for *record* (one policy's features); None for a
    model without a log link (a random forest) or a GLM trained before its average was kept."""
    estimator = pipeline.named_steps["estimator"]
    row = pipeline.named_steps["features"].transform(pd.DataFrame([record]))[0]
    if isinstance(estimator, PoissonRegressor | GammaRegressor):
        if not design_mean:
            return None
        mean = np.asarray(design_mean)
        bias = float(estimator.intercept_ + estimator.coef_ @ mean)
        contributions = estimator.coef_ * (row - mean)
    elif getattr(estimator, "loss", None) in LOG_LINK_LOSSES and hasattr(estimator, "_predictors"):
        bias, contributions = tree_contributions(estimator, row)
    else:
        return None
    per_feature: dict[str, float] = {}
    for owner, contribution in zip(column_owners(pipeline), contributions, strict=True):
        per_feature[owner] = per_feature.get(owner, 0.0) + float(contribution)
    return Explanation(
        average=float(np.exp(bias)) * balance,
        factors={feature: float(np.exp(value)) for feature, value in per_feature.items()},
    )
