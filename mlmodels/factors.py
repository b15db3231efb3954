"""Rating factors: a tariff read as pricing teams read it, one variable at a time.

For each rating variable and each of its levels: the exposure (years for frequency, claims for
severity), the observed frequency or mean cost, the model's average prediction (the classic
one-way view), and the relativity against the base level, the level with most exposure. The
relativity is the model's mean prediction over a sample of the training policies with the
variable set to the level, divided by the same at the base level: for a GLM (log link, no
interaction) this ratio is the same whatever the other variables, its relativity; for boosted
trees it is the partial dependence.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.utils.translation import gettext_lazy as _
from sklearn.pipeline import Pipeline

from mlmodels.explain import average_design
from mlmodels.models import Estimator, Task
from mlmodels.offsets import Offset
from mlmodels.pipelines import (
    ZONE_FACTOR_COLUMN,
    amount_capped,
    pipeline_predict,
    target_build,
)

# The policies the relativities average over: enough for a stable mean, fast for every level.
SAMPLE_ROWS = 3000
# The column a frame carries with each policy's zone class when the model has an offset.
ZONE_COLUMN = "zone"
# A GLM's relativities come with their 95 % confidence interval (normal quantile).
Z_95 = 1.959964


@dataclass(frozen=True)
class Variable:
    name: str
    bands: tuple[tuple[int, int], ...] = ()  # inclusive bounds of a numeric variable's levels
    levels: tuple[Any, ...] = ()  # the values of a categorical one; empty: those in the data


RATING_VARIABLES: tuple[Variable, ...] = (
    Variable(
        "ageph", bands=((17, 24), (25, 29), (30, 39), (40, 49), (50, 59), (60, 69), (70, 100))
    ),
    Variable("bm", levels=tuple(range(23))),
    Variable("power", bands=((0, 39), (40, 54), (55, 69), (70, 84), (85, 99), (100, 1000))),
    Variable("agec", bands=((0, 2), (3, 5), (6, 9), (10, 14), (15, 100))),
    Variable("fuel", levels=("gasoline", "diesel")),
    Variable("coverage", levels=("TPL", "TPL+", "TPL++")),
    Variable("use", levels=("private", "work")),
    Variable("fleet", levels=(0, 1)),
)
VARIABLE_LABELS: dict[str, Any] = {
    "ageph": _("Driver age"),
    "bm": _("Bonus-malus level"),
    "power": _("Power (kW)"),
    "agec": _("Vehicle age (years)"),
    "fuel": _("Fuel"),
    "coverage": _("Coverage"),
    "use": _("Use"),
    "fleet": _("Fleet"),
    ZONE_COLUMN: _("Zone"),
}
# Stored levels shown as people read them (the others are numbers, bands, codes or classes).
LEVEL_LABELS: dict[str, dict[str, Any]] = {
    "fuel": {"gasoline": _("Petrol"), "diesel": _("Diesel")},
    "use": {"private": _("Private"), "work": _("Work")},
    "fleet": {"0": _("no"), "1": _("yes")},
}


def level_shown(variable: str, level: str) -> str:
    return str(LEVEL_LABELS.get(variable, {}).get(level, level))


def band_label(low: int, high: int, *, last: bool) -> str:
    return f"{low}+" if last else f"{low}–{high}"


def level_masks(variable: Variable, values: pd.Series) -> list[tuple[str, np.ndarray, Any]]:
    """Each level of *variable* the data holds: its label, which rows it holds and the value
    that stands for it when the model is asked (a band's mean value, else the level itself)."""
    if variable.bands:
        masks = []
        for index, (low, high) in enumerate(variable.bands):
            mask = ((values >= low) & (values <= high)).to_numpy()
            if mask.any():
                label = band_label(low, high, last=index == len(variable.bands) - 1)
                masks.append((label, mask, round(values[mask].mean())))
        return masks
    levels = variable.levels or tuple(sorted(values.dropna().unique()))
    return [
        (str(level), (values == level).to_numpy(), level)
        for level in levels
        if (values == level).any()
    ]


def one_way(
    *, task: str, frame: pd.DataFrame, predicted: np.ndarray, cap: float | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per policy: its weight, its observed value × weight and its prediction × weight, so that
    a level's sums give its exposure, observed and predicted averages."""
    if task == Task.CLAIM_FREQUENCY:
        weight = frame["expo"].to_numpy(dtype=float)
        return weight, frame["nclaims"].to_numpy(dtype=float), predicted * weight
    weight = frame["nclaims"].to_numpy(dtype=float)
    capped = amount_capped(frame, cap=np.inf if cap is None else cap)
    return weight, capped, predicted * weight


def design(pipeline: Pipeline, frame: pd.DataFrame) -> np.ndarray:
    """The GLM's design matrix of *frame*: the intercept and the transformed features."""
    features = pipeline.named_steps["features"].transform(frame)
    return np.column_stack([np.ones(len(frame)), features])


def glm_covariance(
    pipeline: Pipeline, *, task: str, frame: pd.DataFrame, cap: float | None
) -> np.ndarray:
    """The covariance of a log-link GLM's coefficients: the inverse of the Fisher information
    (Poisson: weight × mean; Gamma: weight / dispersion, estimated by Pearson's statistic). The
    pseudo-inverse, as one-hot levels are collinear with the intercept: the contrasts between
    levels of a variable, all a relativity needs, are still estimable."""
    target = target_build(task=task, frame=frame, cap=cap)
    rows = frame[target.rows]
    matrix = design(pipeline, rows)
    mean = pipeline.predict(rows)
    weight = np.ones(len(rows)) if target.sample_weight is None else target.sample_weight
    if task == Task.CLAIM_FREQUENCY:
        information_weight = weight * mean
    else:
        dispersion = np.sum(weight * (target.y - mean) ** 2 / mean**2) / max(
            len(rows) - matrix.shape[1], 1
        )
        information_weight = weight / dispersion
    return np.linalg.pinv(matrix.T @ (matrix * information_weight[:, None]))


def rating_factors(
    *,
    pipeline: Pipeline,
    task: str,
    estimator: str,
    frame: pd.DataFrame,
    balance: float,
    cap: float | None,
    offset: Offset | None,
) -> dict[str, Any]:
    """The rating factors of a frequency or severity model on its training *frame*; {} for a
    claim-probability model (it prices nothing)."""
    if task not in (Task.CLAIM_FREQUENCY, Task.CLAIM_SEVERITY):
        return {}
    variables = list(RATING_VARIABLES)
    if offset is not None and offset.classes and ZONE_FACTOR_COLUMN in frame:
        # The zone is the model's offset: its relativities are the zone factors themselves.
        classes = offset.classes
        frame = frame.assign(
            **{ZONE_COLUMN: [classes.get(int(code), "") for code in frame["postcode"]]}
        )
        variables.append(Variable(ZONE_COLUMN, levels=tuple(sorted(offset.factors))))
    predicted = pipeline_predict(pipeline, task=task, frame=frame, balance=balance)
    weight, observed, expected = one_way(task=task, frame=frame, predicted=predicted, cap=cap)
    sample = frame.sample(n=min(SAMPLE_ROWS, len(frame)), random_state=0)
    glm = estimator == Estimator.GLM
    covariance = glm_covariance(pipeline, task=task, frame=frame, cap=cap) if glm else None
    factors = []
    for variable in variables:
        levels: list[dict[str, Any]] = []
        values: list[Any] = []
        means: list[float] = []
        exposures: list[float] = []
        for label, mask, value in level_masks(variable, frame[variable.name]):
            exposure = float(weight[mask].sum())
            exposures.append(exposure)
            asked = sample.assign(**{variable.name: value})
            if variable.name == ZONE_COLUMN and offset is not None:
                asked[ZONE_FACTOR_COLUMN] = float(offset.factors[value])
            levels.append(
                {
                    "level": label,
                    "exposure": round(exposure, 2),
                    "observed": float(observed[mask].sum() / exposure) if exposure else None,
                    "predicted": float(expected[mask].sum() / exposure) if exposure else None,
                }
            )
            values.append(value)
            means.append(
                float(pipeline_predict(pipeline, task=task, frame=asked, balance=balance).mean())
            )
        base = int(np.argmax(exposures))
        for index, level in enumerate(levels):
            relativity = means[index] / means[base]
            level["relativity"] = round(relativity, 4)
            # The zone is an offset, not estimated by the model: it has no interval of its own.
            if covariance is not None and variable.name != ZONE_COLUMN:
                row = sample.iloc[:1]
                contrast = design(pipeline, row.assign(**{variable.name: values[index]})) - design(
                    pipeline, row.assign(**{variable.name: values[base]})
                )
                error = float(np.sqrt(max(contrast[0] @ covariance @ contrast[0], 0.0)))
                level["low"] = round(float(relativity * np.exp(-Z_95 * error)), 4)
                level["high"] = round(float(relativity * np.exp(Z_95 * error)), 4)
        factors.append(
            {"variable": variable.name, "base_level": levels[base]["level"], "levels": levels}
        )
    return {
        # A GLM's average policy, from which a quote's characteristics are explained.
        **({"average_design": average_design(pipeline, frame)} if glm else {}),
        "kind": "relativities" if estimator == Estimator.GLM else "partial_dependence",
        "measure": "frequency" if task == Task.CLAIM_FREQUENCY else "mean_cost",
        "exposure": "years" if task == Task.CLAIM_FREQUENCY else "claims",
        "variables": factors,
    }
