"""Scoring a fitted pipeline fast, with the same predictions as `Pipeline.predict`.

A fitted pipeline fed a one-row DataFrame spends milliseconds in pandas and input checks while
the model itself needs microseconds. The scorer is compiled once per loaded model: each step of
the fitted `ColumnTransformer` becomes a numpy function over validated columns (one-hot encoders
become lookup tables probed from the fitted encoder; other transformers are called on plain
arrays), and the estimator predicts on the stacked matrix. scikit-learn stays the training and
storage format; the scorer is rebuilt from it in memory.
"""

import copy
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import GammaRegressor, PoissonRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, SplineTransformer

from mlmodels.models import Task
from mlmodels.schema import COLUMNS

Columns = Mapping[str, Sequence[Any]]
Block = Callable[[Columns, int], np.ndarray]
UNKNOWN = object()  # stands for any value the encoder never saw


def one_hot_block(encoder: OneHotEncoder, names: list[str]) -> Block:
    """The encoder as lookup tables: value -> output column, probed from the fitted encoder."""
    widths = list(encoder._n_features_outs)  # per input column, infrequent column included
    offsets = np.cumsum([0, *widths])
    lookups: list[tuple[dict[Any, int | None], int | None]] = []
    for position, name in enumerate(names):
        anchor = {other: [encoder.categories_[k][0]] for k, other in enumerate(names)}

        def output_column(
            value: Any, position: int = position, name: str = name, anchor: dict = anchor
        ) -> int | None:
            row = encoder.transform(pd.DataFrame({**anchor, name: [value]}))[0]
            hot = np.flatnonzero(row[offsets[position] : offsets[position + 1]])
            return int(offsets[position] + hot[0]) if hot.size else None

        known = {value: output_column(value) for value in encoder.categories_[position]}
        sentinel = -1 if np.issubdtype(encoder.categories_[position].dtype, np.number) else "\x00"
        lookups.append((known, output_column(sentinel)))
    width = int(offsets[-1])

    def encode(columns: Columns, rows: int) -> np.ndarray:
        out = np.zeros((rows, width))
        every_row = np.arange(rows)
        for name, (known, unknown) in zip(names, lookups, strict=True):
            # -1 marks a value that sets no column (an unknown one the encoder ignores).
            missing = -1 if unknown is None else unknown
            hot = np.fromiter((known.get(value, missing) for value in columns[name]), int, rows)
            hit = hot >= 0
            out[every_row[hit], hot[hit]] = 1.0
        return out

    return encode


def array_block(transformer: Any, names: list[str]) -> Block:
    """Any other fitted transformer, called on a plain float array of its columns."""
    if transformer == "passthrough":
        return lambda columns, rows: np.column_stack([columns[name] for name in names]).astype(
            float
        )
    plain = copy.deepcopy(transformer)
    # Fitted on a DataFrame; the plain array holds the same columns in the same order.
    del plain.feature_names_in_

    def transform(columns: Columns, rows: int) -> np.ndarray:
        return plain.transform(np.column_stack([columns[name] for name in names]).astype(float))

    return transform


def spline_block(transformer: SplineTransformer, names: list[str]) -> Block:
    """Splines of whole-number features as tables. A feature's splines depend on that feature
    alone, so they are computed once for every value the schema allows (ageph 17 to 100, power
    1 to 1000...) and looked up; anything else goes through the transformer."""
    plain = array_block(transformer, names)
    width = transformer.n_features_out_ // len(names)  # splines per feature, feature after feature
    bounds = [(int(COLUMNS[name].minimum or 0), int(COLUMNS[name].maximum or 0)) for name in names]
    probe_rows = max(high - low for low, high in bounds) + 1
    probe = {
        name: np.clip(np.arange(low, low + probe_rows), low, high).tolist()
        for name, (low, high) in zip(names, bounds, strict=True)
    }
    splined = plain(probe, probe_rows)
    tables = [
        splined[: high - low + 1, position * width : (position + 1) * width]
        for position, (low, high) in enumerate(bounds)
    ]

    def lookup(columns: Columns, rows: int) -> np.ndarray:
        parts = []
        for name, (low, high), table in zip(names, bounds, tables, strict=True):
            values = np.asarray(columns[name])
            if values.dtype.kind not in "iu" or values.min() < low or values.max() > high:
                return plain(columns, rows)
            parts.append(table[values - low])
        return np.hstack(parts)

    return lookup


def is_tabulable(transformer: Any, names: list[str]) -> bool:
    return isinstance(transformer, SplineTransformer) and all(
        COLUMNS[name].kind == "int" and COLUMNS[name].maximum is not None for name in names
    )


def blocks_compile(features: ColumnTransformer) -> list[Block]:
    blocks = []
    with warnings.catch_warnings():
        # Probing with an unknown value is the point; the encoder's warning about it is not.
        warnings.simplefilter("ignore", UserWarning)
        for _, transformer, names in features.transformers_:
            if transformer == "drop" or len(names) == 0:
                continue
            if isinstance(transformer, OneHotEncoder):
                blocks.append(one_hot_block(transformer, list(names)))
            elif is_tabulable(transformer, list(names)):
                blocks.append(spline_block(transformer, list(names)))
            else:
                blocks.append(array_block(transformer, list(names)))
    return blocks


# Up to this many rows, walking the boosted trees in Python beats scikit-learn's per-call
# overhead (validation, thread pool, buffers); above it, scikit-learn's compiled loop wins.
TREE_WALK_MAX_ROWS = 4


class BoostedTrees:
    """A fitted HistGradientBoosting model's trees as plain lists, for very small batches."""

    def __init__(self, estimator: Any) -> None:
        self.estimator = estimator
        self.trees = []
        for (predictor,) in estimator._predictors:
            nodes = predictor.nodes
            self.trees.append(
                (
                    nodes["feature_idx"].tolist(),
                    nodes["num_threshold"].tolist(),
                    nodes["left"].tolist(),
                    nodes["right"].tolist(),
                    nodes["is_leaf"].tolist(),
                    nodes["value"].tolist(),
                )
            )
        self.baseline = float(estimator._baseline_prediction.ravel()[0])

    @staticmethod
    def supports(estimator: Any) -> bool:
        """Numeric splits of a single-output model: what the walk below reproduces exactly."""
        predictors = getattr(estimator, "_predictors", None)
        if not predictors:
            return False
        return all(
            len(per_iteration) == 1 and not per_iteration[0].nodes["is_categorical"].any()
            for per_iteration in predictors
        )

    def raw(self, matrix: np.ndarray) -> np.ndarray:
        """Baseline plus the leaf value of every tree (the feature matrix holds no NaN)."""
        rows = []
        for x in matrix.tolist():
            total = 0.0
            for feature, threshold, left, right, leaf, value in self.trees:
                node = 0
                while not leaf[node]:
                    node = left[node] if x[feature[node]] <= threshold[node] else right[node]
                total += value[node]
            rows.append(self.baseline + total)
        return np.array(rows).reshape(-1, 1)


class Scorer:
    """Claims per year (frequency) or the probability of a claim, for validated feature columns."""

    def __init__(self, pipeline: Pipeline, *, task: str) -> None:
        self.blocks = blocks_compile(pipeline.named_steps["features"])
        estimator = pipeline.named_steps["estimator"]
        self.predict_matrix: Callable[[np.ndarray], np.ndarray]
        if task == Task.CLAIM_PROBABILITY:
            self.predict_matrix = lambda matrix: estimator.predict_proba(matrix)[:, 1]
        elif isinstance(estimator, PoissonRegressor | GammaRegressor):
            # What the GLM's predict computes once it has checked its input: the inverse link
            # of the linear predictor.
            inverse = estimator._base_loss.link.inverse
            coef, intercept = estimator.coef_, estimator.intercept_
            self.predict_matrix = lambda matrix: inverse(matrix @ coef + intercept)
        else:
            self.predict_matrix = estimator.predict
        self.trees = BoostedTrees(estimator) if BoostedTrees.supports(estimator) else None
        self.task = task

    def predict(self, columns: Columns) -> np.ndarray:
        rows = len(next(iter(columns.values())))
        matrix = np.hstack([block(columns, rows) for block in self.blocks])
        if self.trees is not None and rows <= TREE_WALK_MAX_ROWS:
            raw = self.trees.raw(matrix)
            loss = self.trees.estimator._loss
            if self.task == Task.CLAIM_PROBABILITY:
                return loss.predict_proba(raw.ravel())[:, 1]
            return loss.link.inverse(raw.ravel())
        # The columns were validated against the schema: skip scikit-learn's own re-checks.
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            return self.predict_matrix(matrix)
