"""The whole tariff backtested: the premium's risk part as the quote computes it, on the holdout.

The risk premium of a policy is the quote's own formula (`tariffs.services.risk`): frequency
(production model) × severity (production model) × (1 + large-claim loading) × today's zone
factor of its postcode, to the cent, before strategy, indexation and loading. Scored on the test
part of the project's 80/20 split, which no model or zoning saw.
"""

import html
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from sklearn.metrics import mean_poisson_deviance

from mlmodels.models import ModelVersion, Task
from mlmodels.offsets import Offset
from mlmodels.selectors import dataset_frame_get
from mlmodels.services.evaluation import DECILES, Figure, png
from mlmodels.services.training import dataset_split
from mlmodels.serving import model_get, model_scores
from pricing_site.exceptions import ServiceUnavailableError
from pricing_site.numbers import decimal_shown
from tariffs.models import TariffEvaluation
from tariffs.selectors import zone_offset_get
from tariffs.services.portfolio import model_columns
from tariffs.services.risk import hundredths, risk_premiums

GINI_BOOTSTRAP_SAMPLES = 200
GINI_BOOTSTRAP_SEED = 0


@dataclass(frozen=True)
class TariffModels:
    frequency: ModelVersion
    severity: ModelVersion | None  # None: frequency × the frequency model's one average cost


def tariff_models_find(*, previous: bool = False) -> TariffModels | None:
    """The production frequency and severity versions, or those in production before them;
    None without a frequency model."""

    def pick(task: str) -> ModelVersion | None:
        versions = ModelVersion.objects.filter(task=task)
        if previous:
            return (
                versions.filter(is_production=False, promoted_at__isnull=False)
                .order_by("-promoted_at")
                .first()
            )
        return versions.filter(is_production=True).first()

    frequency = pick(Task.CLAIM_FREQUENCY)
    if frequency is None:
        return None
    severity = pick(Task.CLAIM_SEVERITY)
    if previous and severity is None:  # only the frequency model changed: same severity
        severity = ModelVersion.objects.filter(task=Task.CLAIM_SEVERITY, is_production=True).first()
    return TariffModels(frequency=frequency, severity=severity)


def tariff_models_get() -> TariffModels:
    """The production tariff's models; 503 without a production frequency model."""
    models = tariff_models_find()
    if models is None:
        raise ServiceUnavailableError(
            "No frequency model is in production: promote one first.", code="no_production_model"
        )
    return models


@dataclass(frozen=True)
class TariffRisk:
    """Per policy, as the quote prices it: claims per year × zone factor, and the risk premium
    per year of exposure in euro (the quote's "zone" step)."""

    frequency: np.ndarray
    cost: np.ndarray


def tariff_risk(models: TariffModels, frame: pd.DataFrame, zones: Offset) -> TariffRisk:
    """Each policy's risk premium by the quote's own formula (`risk_premiums`), the models
    scored as the quote scores them; a postcode outside the zone table counts as zone × 1."""
    frequency_model = model_get(task=Task.CLAIM_FREQUENCY, version_id=models.frequency.pk)
    frequency = model_scores(frequency_model, model_columns(frame, frequency_model))
    if models.severity is None:  # one average cost per claim, without loading
        severity = np.full(len(frame), float(models.frequency.average_claim_cost))
        loading = Decimal("0")
    else:
        severity_model = model_get(task=Task.CLAIM_SEVERITY, version_id=models.severity.pk)
        severity = model_scores(severity_model, model_columns(frame, severity_model))
        loading = severity_model.large_claim_loading
    factor_of = {code: hundredths(zones.factors[c]) for code, c in zones.classes.items()}
    zone = np.array([factor_of.get(int(code), 100) for code in frame["postcode"]], dtype=np.int64)
    risk = risk_premiums(
        frequency=frequency, severity=severity, large_claim_loading=loading, zone_hundredths=zone
    )
    return TariffRisk(frequency=frequency * zone / 100, cost=risk.zoned_cents / 100)


def ratios_by(frame: pd.DataFrame, key: Any) -> dict[str, dict[str, Any]]:
    """Predicted / observed claims and cost per group of *key*."""
    groups = frame.groupby(key, observed=True)[
        ["claims_predicted", "nclaims", "cost_predicted", "amount", "expo"]
    ].sum()
    return {
        str(name): {
            "claims_ratio": round(row.claims_predicted / row.nclaims, 4) if row.nclaims else None,
            "cost_ratio": round(row.cost_predicted / row.amount, 4) if row.amount else None,
            "exposure": round(float(row.expo), 1),
            "claims": int(row.nclaims),
        }
        for name, row in groups.iterrows()
    }


def gini(predicted_rate: np.ndarray, exposure: np.ndarray, losses: np.ndarray) -> float:
    """1 - 2 × area under the Lorenz curve of observed losses, policies sorted by prediction."""
    order = np.argsort(predicted_rate, kind="stable")
    x = np.concatenate([[0], np.cumsum(exposure[order]) / exposure.sum()])
    y = np.concatenate([[0], np.cumsum(losses[order]) / losses.sum()])
    return float(1 - 2 * np.trapezoid(y, x))


def gini_standard_error(
    predicted_rate: np.ndarray, exposure: np.ndarray, losses: np.ndarray
) -> float:
    """Bootstrap standard error of the Gini: a few large claims move it, so say by how much."""
    rng = np.random.default_rng(GINI_BOOTSTRAP_SEED)
    draws = [
        gini(predicted_rate[rows], exposure[rows], losses[rows])
        for rows in rng.integers(0, len(exposure), (GINI_BOOTSTRAP_SAMPLES, len(exposure)))
    ]
    return float(np.std(draws, ddof=1))


def tariff_evaluate(*, frame: pd.DataFrame) -> dict[str, Any]:
    """Deviance, balance by segment, Gini and double lift of the tariff on the holdout."""
    zones = zone_offset_get()
    current = tariff_models_get()
    previous = tariff_models_find(previous=True)
    _, test = dataset_split(frame)
    risk = tariff_risk(current, test, zones)
    frequency, cost = risk.frequency, risk.cost
    scored = test.assign(
        risk_class=[zones.classes.get(int(code), "?") for code in test["postcode"]],
        claims_predicted=frequency * test["expo"].to_numpy(),
        cost_predicted=cost * test["expo"].to_numpy(),
    )
    scored["decile"] = pd.qcut(
        scored["cost_predicted"] / scored["expo"], DECILES, labels=range(1, DECILES + 1)
    )
    exposure = test["expo"].to_numpy(dtype=float)
    losses = test["amount"].to_numpy(dtype=float)
    result: dict[str, Any] = {
        "rows": len(test),
        "frequency_model": current.frequency.pk,
        "severity_model": current.severity.pk if current.severity else None,
        "zoning_version": zones.version,
        "zone_factors": {code: str(f) for code, f in sorted(zones.factors.items())},
        "frequency_deviance": round(
            float(
                mean_poisson_deviance(
                    test["nclaims"].to_numpy(dtype=float) / exposure,
                    np.clip(frequency, 1e-9, None),
                    sample_weight=exposure,
                )
            ),
            5,
        ),
        "claims_ratio": round(float(scored["claims_predicted"].sum() / test["nclaims"].sum()), 4),
        "cost_ratio": round(float(scored["cost_predicted"].sum() / test["amount"].sum()), 4),
        "claims_ratio_by_zone": {
            zone: row["claims_ratio"] for zone, row in ratios_by(scored, "risk_class").items()
        },
        "by_zone": ratios_by(scored, "risk_class"),
        "by_decile": ratios_by(scored, "decile"),
        "by_fuel": ratios_by(scored, "fuel"),
        "by_coverage": ratios_by(scored, "coverage"),
        "gini": round(gini(cost, exposure, losses), 4),
        "gini_standard_error": round(gini_standard_error(cost, exposure, losses), 4),
        "warnings": tariff_warnings(current, zones.version),
    }
    if previous is not None:
        before = tariff_risk(previous, test, zones)
        result["previous"] = {
            "frequency_model": previous.frequency.pk,
            "severity_model": previous.severity.pk if previous.severity else None,
        }
        result["double_lift"] = double_lift(scored, before=before.cost * exposure)
    return result


# What a backtest warns of, stored as a code and its figures, read in the reader's language.
WARNINGS = {
    "location_twice": _(
        "Model %(model)s uses the postcode: with the zone factor, location counts twice."
    ),
    "zoning_changed": _(
        "Frequency model %(model)s was trained with zoning %(trained_with)s, and today's table "
        "comes from zoning %(today)s: retrain it on the new zones."
    ),
    "no_severity_model": _("No severity model in production: every claim costs one average."),
}


def tariff_warnings(models: TariffModels, zoning_version: int | None) -> list[dict[str, Any]]:
    warnings: list[dict[str, Any]] = []
    for version in (models.frequency, models.severity):
        if version is None:
            continue
        if version.uses_location:
            warnings.append({"code": "location_twice", "params": {"model": version.pk}})
        if version.task == Task.CLAIM_FREQUENCY and version.zoning_version != zoning_version:
            warnings.append(
                {
                    "code": "zoning_changed",
                    "params": {
                        "model": version.pk,
                        "trained_with": version.zoning_version or "-",
                        "today": zoning_version or "-",
                    },
                }
            )
    if models.severity is None:
        warnings.append({"code": "no_severity_model", "params": {}})
    return warnings


def warning_text(warning: dict[str, Any] | str) -> str:
    """A backtest's warning in the active language (a backtest stored before codes: its text)."""
    if isinstance(warning, str):
        return warning
    return str(WARNINGS[warning["code"]]) % warning["params"]


def double_lift(scored: pd.DataFrame, *, before: np.ndarray) -> list[dict[str, float]]:
    """Per decile of current / previous prediction: observed, current and previous cost, each
    divided by the decile's exposure-weighted average."""
    after = scored["cost_predicted"].to_numpy()
    order = np.argsort(after / np.clip(before, 1e-9, None), kind="stable")
    rows = []
    for decile, index in enumerate(np.array_split(order, DECILES), start=1):
        observed = scored["amount"].to_numpy()[index].sum()
        total_after, total_before = after[index].sum(), before[index].sum()
        mean = (observed + total_after + total_before) / 3
        rows.append(
            {
                "decile": decile,
                "observed": round(float(observed / mean), 4),
                "current": round(float(total_after / mean), 4),
                "previous": round(float(total_before / mean), 4),
            }
        )
    return rows


CHART_TITLES = {
    "calibration": _("Predicted / observed cost by decile and claims by zone"),
    "double_lift": _("Double lift: current vs previous tariff"),
}


def tariff_charts(result: dict[str, Any]) -> dict[str, str]:
    """The evaluation's charts as base64 PNG: calibration by decile and zone, double lift."""
    charts = {}
    figure = Figure(figsize=(7, 3.4), dpi=100, layout="tight")
    left, right = figure.subplots(1, 2)
    deciles = result["by_decile"]
    left.bar(list(deciles), [row["cost_ratio"] or 0 for row in deciles.values()])
    left.axhline(1, color="grey", linewidth=0.8)
    left.set(
        title=gettext("Predicted / observed cost by decile"),
        xlabel=gettext("decile of predicted cost"),
    )
    zones = result["by_zone"]
    right.bar(list(zones), [row["claims_ratio"] or 0 for row in zones.values()])
    right.axhline(1, color="grey", linewidth=0.8)
    right.set(title=gettext("Predicted / observed claims by zone"), xlabel=gettext("zone class"))
    charts["calibration"] = png(figure)
    if result.get("double_lift"):
        figure = Figure(figsize=(7, 3.4), dpi=100, layout="tight")
        axes = figure.subplots()
        rows = result["double_lift"]
        x = [row["decile"] for row in rows]
        lines = (
            ("observed", "k-o", gettext("observed")),
            ("current", "b-s", gettext("current tariff")),
            ("previous", "r--^", gettext("previous tariff")),
        )
        for key, style, label in lines:
            axes.plot(x, [row[key] for row in rows], style, label=label)
        axes.set(
            title=gettext("Double lift: current vs previous tariff"),
            xlabel=gettext("decile of current / previous prediction"),
            ylabel=gettext("cost / average"),
        )
        axes.legend()
        charts["double_lift"] = png(figure)
    return charts


def shown(value: Any, decimals: int) -> str:
    """A figure of the report in the reader's language ("-" when there is none)."""
    if value is None:
        return "-"
    if isinstance(value, int | float) and decimals:
        return decimal_shown(value, decimals)
    return str(value)  # an id


def tariff_report_html(result: dict[str, Any], *, appendix: str = "") -> str:
    """A self-contained HTML page in the active language: the report (tariff_report_body), then
    *appendix* (HTML: the models' rating factors)."""
    page_title = html.escape(gettext("Tariff evaluation"))
    return (
        f"<!doctype html><meta charset='utf-8'><title>{page_title}</title>"
        "<style>body{font-family:sans-serif}td,th{padding:2px 8px;text-align:right}</style>"
        f"{tariff_report_body(result)}{appendix}"
    )


def tariff_report_body(result: dict[str, Any]) -> str:
    """The report's content, as a page holds it (the admin shows it in its own page): headline
    figures, tables by segment, the charts."""
    charts = tariff_charts(result)
    head = "".join(
        f"<tr><th>{html.escape(str(label))}</th>"
        f"<td>{html.escape(shown(result[key], decimals))}</td></tr>"
        for key, (label, decimals) in HEADLINES.items()
    )
    sections = []
    for key, title in SEGMENTS.items():
        rows = "".join(
            f"<tr><td>{html.escape(name)}</td><td>{shown(row['exposure'], 1)}</td>"
            f"<td>{row['claims']}</td><td>{shown(row['claims_ratio'], 3)}</td>"
            f"<td>{shown(row['cost_ratio'], 3)}</td></tr>"
            for name, row in result[key].items()
        )
        sections.append(
            f"<h2>{html.escape(str(title))}</h2><table><tr><th></th>"
            f"<th>{html.escape(gettext('exposure (years)'))}</th>"
            f"<th>{html.escape(gettext('claims'))}</th>"
            f"<th>{html.escape(gettext('predicted / observed claims'))}</th>"
            f"<th>{html.escape(gettext('predicted / observed cost'))}</th></tr>"
            f"{rows}</table>"
        )
    images = "".join(
        f'<img alt="{html.escape(str(CHART_TITLES[name]))}" src="data:image/png;base64,{data}">'
        for name, data in charts.items()
    )
    warnings = "".join(f"<li>{html.escape(warning_text(w))}</li>" for w in result["warnings"])
    heading = html.escape(
        gettext("Tariff evaluation on the holdout (%(rows)s policies)") % {"rows": result["rows"]}
    )
    return f"<h1>{heading}</h1><ul>{warnings}</ul><table>{head}</table>{images}{''.join(sections)}"


# Each headline figure with its label and the decimals it is shown with (0: an id).
HEADLINES = {
    "frequency_deviance": (_("Poisson deviance of the frequency part (lower is better)"), 5),
    "claims_ratio": (_("Predicted / observed claims"), 4),
    "cost_ratio": (_("Predicted / observed cost"), 4),
    "gini": (_("Gini of expected cost vs observed losses (higher is better)"), 4),
    "gini_standard_error": (_("Standard error of that Gini (bootstrap of the holdout)"), 4),
    "frequency_model": (_("Frequency model"), 0),
    "severity_model": (_("Severity model"), 0),
    "zoning_version": (_("Zoning"), 0),
}
SEGMENTS = {
    "by_zone": _("By zone class"),
    "by_decile": _("By decile of predicted cost"),
    "by_fuel": _("By fuel"),
    "by_coverage": _("By coverage"),
}


def tariff_evaluation_create(*, dataset: Any, requested_by: Any = None) -> TariffEvaluation:
    """Queue a backtest of today's tariff on *dataset* (the job stores its result)."""
    from tariffs import tasks  # the tasks module imports this one

    evaluation = TariffEvaluation.objects.create(dataset=dataset, requested_by=requested_by)
    transaction.on_commit(lambda: tasks.tariff_evaluation_run.delay(evaluation.pk))
    return evaluation


def tariff_evaluation_run(*, evaluation_id: int) -> TariffEvaluation:
    """Evaluate the tariff on a stored dataset and keep the result and its report (admin job)."""
    evaluation = TariffEvaluation.objects.select_related("dataset").get(pk=evaluation_id)
    try:
        evaluation.result = tariff_evaluate(frame=dataset_frame_get(dataset=evaluation.dataset))
    except ServiceUnavailableError as error:
        evaluation.state = TariffEvaluation.State.FAILED
        evaluation.error = error.message
    else:
        evaluation.report_html = tariff_report_html(evaluation.result)
        evaluation.state = TariffEvaluation.State.DONE
    evaluation.save()
    return evaluation
