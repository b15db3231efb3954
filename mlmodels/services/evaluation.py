"""Comparison of model versions on the same data: metrics table, lift and calibration plots."""

import base64
import html
import io
import statistics
from dataclasses import dataclass
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from django.utils.translation import gettext
from sklearn.base import clone
from sklearn.pipeline import Pipeline

matplotlib.use("Agg")  # No display on servers.
from matplotlib.figure import Figure

from mlmodels.artifacts import artifact_load
from mlmodels.factors import VARIABLE_LABELS, level_shown
from mlmodels.models import ModelVersion, Task
from mlmodels.offsets import offset_frame, offset_get
from mlmodels.pipelines import (
    METRIC_LABELS,
    METRIC_NAMES,
    ZONE_FACTOR_COLUMN,
    pipeline_predict,
    pipeline_score,
    target_build,
)
from mlmodels.services.training import cross_validate, dataset_split, no_progress
from pricing_site.exceptions import ApplicationError
from pricing_site.numbers import decimal_shown

SAME_DATA_LINE = "These results were calculated with the same set of data."
DECILES = 10


@dataclass(frozen=True)
class VersionEvaluation:
    version: ModelVersion
    test: float
    cv_mean: float | None
    cv_std: float | None
    predicted: np.ndarray


@dataclass(frozen=True)
class Comparison:
    task: str
    metric: str
    rows: int
    evaluations: list[VersionEvaluation]
    lift_png: str
    calibration_png: str

    @property
    def metric_label(self) -> str:
        return str(METRIC_LABELS.get(self.metric, self.metric))

    def table(self) -> str:
        def number(value: float | None) -> str:
            return "-" if value is None else f"{value:.5f}"

        lines = [
            f"{'model id':>8}  {'estimator':<24}{self.metric + ' (test)':>28}  "
            f"{'CV mean':>9}  {'CV std':>9}"
        ]
        for evaluation in self.evaluations:
            version = evaluation.version
            lines.append(
                f"{version.pk:>8}  {version.estimator:<24}{number(evaluation.test):>28}  "
                f"{number(evaluation.cv_mean):>9}  {number(evaluation.cv_std):>9}"
            )
        return "\n".join([*lines, SAME_DATA_LINE])


def version_pipeline(version: ModelVersion) -> Pipeline:
    return artifact_load(
        data=version.artifact,
        sha256=version.artifact_sha256,
        signature=version.artifact_signature,
        sklearn_version=version.sklearn_version,
    )


def model_versions_compare(
    *, versions: list[ModelVersion], frame: pd.DataFrame, cv: int = 0
) -> Comparison:
    """Score each version on the test split of *frame*; cross-validate it on the train split."""
    tasks = {version.task for version in versions}
    if len(tasks) != 1:
        raise ApplicationError(
            "Only versions of the same task can be compared.", code="task_mismatch"
        )
    task = tasks.pop()
    # Models given an offset are scored as the quote prices them: model × today's offset factor.
    offset = offset_get(task=task)
    priced_train, priced_test = dataset_split(
        offset_frame(frame, offset=offset) if offset else frame
    )
    evaluations = []
    for version in versions:
        train, test = priced_train, priced_test
        if offset and version.uses_location:  # a location-aware model has no offset
            train, test = (part.drop(columns=ZONE_FACTOR_COLUMN) for part in (train, test))
        pipeline = version_pipeline(version)
        cap = version.large_claim_cap
        cv_scores = (
            cross_validate(
                clone(pipeline), task=task, frame=train, folds=cv, progress=no_progress, cap=cap
            )
            if cv
            else []
        )
        scored = test[target_build(task=task, frame=test).rows]
        evaluations.append(
            VersionEvaluation(
                version=version,
                test=pipeline_score(
                    pipeline, task=task, frame=test, cap=cap, balance=version.balance_factor
                ),
                cv_mean=statistics.fmean(cv_scores) if cv_scores else None,
                cv_std=statistics.pstdev(cv_scores) if cv_scores else None,
                predicted=pipeline_predict(
                    pipeline, task=task, frame=scored, balance=version.balance_factor
                ),
            )
        )
    observed, weight = observed_rate(task=task, frame=priced_test)
    return Comparison(
        task=task,
        metric=METRIC_NAMES[Task(task)],
        rows=len(test),
        evaluations=evaluations,
        lift_png=lift_chart(evaluations, observed=observed, weight=weight),
        calibration_png=calibration_chart(evaluations, observed=observed, weight=weight),
    )


def observed_rate(*, task: str, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """What each row observed (claims per year, or any claim) and its weight (exposure, or 1)."""
    if task == Task.CLAIM_FREQUENCY:
        exposure = frame["expo"].to_numpy(dtype=float)
        return frame["nclaims"].to_numpy(dtype=float) / exposure, exposure
    if task == Task.CLAIM_SEVERITY:
        claimed = frame[frame["nclaims"] > 0]
        nclaims = claimed["nclaims"].to_numpy(dtype=float)
        return claimed["amount"].to_numpy(dtype=float) / nclaims, nclaims
    return (frame["nclaims"].to_numpy() > 0).astype(float), np.ones(len(frame))


def grouped(
    predicted: np.ndarray, observed: np.ndarray, weight: np.ndarray, groups: int
) -> np.ndarray:
    """Weighted mean predicted and observed per quantile group of the prediction."""
    order = np.argsort(predicted, kind="stable")
    means = []
    for rows in np.array_split(order, groups):
        w = weight[rows]
        means.append(
            (np.average(predicted[rows], weights=w), np.average(observed[rows], weights=w))
        )
    return np.array(means)


def png(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode()


def lift_chart(
    evaluations: list[VersionEvaluation], *, observed: np.ndarray, weight: np.ndarray
) -> str:
    figure = Figure(figsize=(7, 3.6), dpi=100, layout="tight")
    axes = figure.subplots()
    overall = np.average(observed, weights=weight)
    width = 0.8 / len(evaluations)
    for position, evaluation in enumerate(evaluations):
        means = grouped(evaluation.predicted, observed, weight, DECILES)
        x = np.arange(1, DECILES + 1) + (position - (len(evaluations) - 1) / 2) * width
        axes.bar(
            x,
            means[:, 1] / overall,
            width=width,
            label=gettext("model %(id)s (observed)") % {"id": evaluation.version.pk},
        )
    axes.axhline(1, color="grey", linewidth=0.8)
    axes.set(
        title=gettext("Lift by decile of prediction"),
        xlabel=gettext("decile (1 = lowest predicted risk)"),
        ylabel=gettext("observed / average"),
    )
    axes.set_xticks(range(1, DECILES + 1))
    axes.legend()
    return png(figure)


def calibration_chart(
    evaluations: list[VersionEvaluation], *, observed: np.ndarray, weight: np.ndarray
) -> str:
    figure = Figure(figsize=(5, 4), dpi=100, layout="tight")
    axes = figure.subplots()
    highest = 0.0
    for evaluation in evaluations:
        means = grouped(evaluation.predicted, observed, weight, 20)
        axes.plot(
            means[:, 0],
            means[:, 1],
            marker="o",
            label=gettext("model %(id)s") % {"id": evaluation.version.pk},
        )
        highest = max(highest, means.max())
    axes.plot(
        [0, highest],
        [0, highest],
        color="grey",
        linestyle="--",
        label=gettext("perfect calibration"),
    )
    axes.set(
        title=gettext("Calibration: predicted vs observed"),
        xlabel=gettext("mean predicted"),
        ylabel=gettext("mean observed"),
    )
    axes.legend()
    return png(figure)


def rating_factor_chart(factor: dict[str, Any], *, measure: str, exposure: str) -> str:
    """The classic one-way chart of one rating variable: exposure per level as bars, observed
    and predicted (frequency or mean cost) as lines on the right axis."""
    levels = factor["levels"]
    labels = [level_shown(factor["variable"], level["level"]) for level in levels]
    x = np.arange(len(levels))
    figure = Figure(figsize=(6, 3), dpi=100, layout="tight")
    bars = figure.subplots()
    bars.bar(x, [level["exposure"] for level in levels], color="#c8d7e6")
    bars.set_ylabel(gettext("years insured") if exposure == "years" else gettext("claims"))
    bars.set_xticks(x, labels, rotation=45 if len(levels) > 8 else 0)
    lines = bars.twinx()
    for key, label, style in (
        ("observed", gettext("observed"), "o-"),
        ("predicted", gettext("model"), "s--"),
    ):
        lines.plot(x, [level[key] for level in levels], style, label=label)
    lines.set_ylabel(gettext("claims per year") if measure == "frequency" else gettext("mean cost"))
    lines.set_ylim(bottom=0)
    lines.legend(loc="upper right")
    bars.set_title(str(VARIABLE_LABELS.get(factor["variable"], factor["variable"])))
    return png(figure)


def average_shown(value: float | None) -> str:
    return "-" if value is None else decimal_shown(value, 4)


def interval_shown(level: dict[str, Any]) -> str:
    """A GLM relativity's 95 % interval (the zone, an offset, has none)."""
    if "low" not in level:
        return ""
    return f"{decimal_shown(level['low'], 3)} – {decimal_shown(level['high'], 3)}"


def rating_factors_html(*, version: ModelVersion) -> str:
    """*version*'s rating factors as a section of a self-contained report: per variable its
    one-way chart and its levels, in the active language."""
    # The charts are drawn once per version and language and kept (a selector's cache).
    from mlmodels.selectors import model_version_factor_charts_get

    factors = version.factors
    if not factors:
        return ""
    charts = model_version_factor_charts_get(version=version)
    glm = factors["kind"] == "relativities"
    heading = gettext("Rating factors of model version %(id)s (%(task)s)") % {
        "id": version.pk,
        "task": version.get_task_display(),
    }
    header = [gettext("exposure"), gettext("observed"), gettext("model")]
    header += (
        [gettext("relativity"), gettext("confidence interval")]
        if glm
        else [gettext("partial dependence")]
    )
    parts = [f"<h2>{html.escape(heading)}</h2>"]
    for factor in factors["variables"]:
        label = str(VARIABLE_LABELS.get(factor["variable"], factor["variable"]))
        rows = []
        for level in factor["levels"]:
            cells = [
                level_shown(factor["variable"], level["level"]),
                decimal_shown(level["exposure"], 0),
                average_shown(level["observed"]),
                average_shown(level["predicted"]),
                decimal_shown(level["relativity"], 3),
                *([interval_shown(level)] if glm else []),
            ]
            rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
        head = "".join(f"<th>{html.escape(text)}</th>" for text in [label, *header])
        chart = charts[factor["variable"]]
        parts.append(
            f"<h3>{html.escape(label)}</h3>"
            f'<img alt="{html.escape(label)}" src="data:image/png;base64,{chart}">'
            f"<table><tr>{head}</tr>{''.join(rows)}</table>"
        )
    return "".join(parts)
