"""Impact analyses: what a scenario does to the premiums of a portfolio before it goes live.

A scenario is today's tables plus any of: draft rules, a zoning proposal, candidate frequency
and severity models, a tariff version, an index month. The portfolio is priced with both in
chunks (Celery workers price them in parallel, then one aggregates), with the quote's own
arithmetic (`portfolio_price`), so every "before" premium is what a quote would say today."""

import datetime
import io
import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from matplotlib.figure import Figure

from indices.selectors import health_index_get
from mlmodels.models import Dataset, ModelVersion
from mlmodels.selectors import dataset_frame_get
from mlmodels.services.evaluation import png
from pricing_site.exceptions import ApplicationError, NotFoundError
from strategies.models import PricingRule
from strategies.selectors import rule_row
from tariffs.models import ImpactAnalysis, TariffVersion, ZoningProposal
from tariffs.selectors import tariff_get, zoning_proposal_class_factors
from tariffs.services.portfolio import (
    STEPS,
    PortfolioPrices,
    PricingTables,
    portfolio_price,
    pricing_tables_current,
)

# Policies per chunk: a chunk prices in about a second on one core.
CHUNK_POLICIES = 50_000
MOVERS_SHOWN = 20
MOVED_THRESHOLDS = (5, 10, 25)
# Buckets of the per-policy change, in %: (-inf, -25), [-25, -10), ... [25, inf).
HISTOGRAM_EDGES = (-25, -10, -5, -2, 0, 2, 5, 10, 25)
AGE_BANDS = ((17, 24), (25, 34), (35, 49), (50, 64), (65, 100))
BONUS_MALUS_BANDS = ((0, 0), (1, 4), (5, 9), (10, 14), (15, 22))


@dataclass(frozen=True)
class Scenario:
    rules: tuple[int, ...] = ()
    zoning_proposal: int | None = None
    frequency_model: int | None = None
    severity_model: int | None = None
    tariff_version: int | None = None
    index_month: datetime.date | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Scenario":
        month = data.get("index_month")
        return cls(
            rules=tuple(data.get("rules", ())),
            zoning_proposal=data.get("zoning_proposal"),
            frequency_model=data.get("frequency_model"),
            severity_model=data.get("severity_model"),
            tariff_version=data.get("tariff_version"),
            index_month=datetime.date.fromisoformat(f"{month}-01") if month else None,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "rules": list(self.rules),
            "zoning_proposal": self.zoning_proposal,
            "frequency_model": self.frequency_model,
            "severity_model": self.severity_model,
            "tariff_version": self.tariff_version,
            "index_month": f"{self.index_month:%Y-%m}" if self.index_month else None,
        }


def model_version_scenario(*, version: ModelVersion) -> Scenario:
    """The scenario that prices with *version* instead of its task's production model."""
    if version.task == "claim_frequency":
        return Scenario(frequency_model=version.pk)
    if version.task == "claim_severity":
        return Scenario(severity_model=version.pk)
    raise ApplicationError(
        gettext("Only frequency and severity models price the premium."),
        code="not_a_premium_model",
    )


def scenario_validate(*, scenario: Scenario) -> None:
    """Every object the scenario names exists and can serve it; errors name the field."""
    known_rules = set(
        PricingRule.objects.filter(pk__in=scenario.rules).values_list("pk", flat=True)
    )
    for rule_id in scenario.rules:
        if rule_id not in known_rules:
            raise NotFoundError(
                gettext("There is no pricing rule %(id)s.") % {"id": rule_id},
                code="rule_not_found",
                field="scenario.rules",
            )
    if scenario.zoning_proposal is not None:
        proposal = ZoningProposal.objects.filter(pk=scenario.zoning_proposal).first()
        if proposal is None or not proposal.factors:
            raise NotFoundError(
                gettext("There is no computed zoning proposal %(id)s.")
                % {"id": scenario.zoning_proposal},
                code="zoning_proposal_not_found",
                field="scenario.zoning_proposal",
            )
    for field, task in (
        ("frequency_model", "claim_frequency"),
        ("severity_model", "claim_severity"),
    ):
        version_id = getattr(scenario, field)
        if (
            version_id is not None
            and not ModelVersion.objects.filter(
                pk=version_id, task=task, uses_location=False
            ).exists()
        ):
            raise NotFoundError(
                gettext("There is no %(task)s tariff model version %(id)s.")
                % {"task": task, "id": version_id},
                code="model_not_found",
                field=f"scenario.{field}",
            )


def scenario_tables(*, scenario: Scenario, today: PricingTables) -> PricingTables:
    """*today*'s tables with the scenario's changes."""
    rules = today.rules
    if scenario.rules:
        drafts = [
            rule_row(rule)
            for rule in PricingRule.objects.filter(pk__in=scenario.rules).select_related("brand")
        ]
        # Listed first, a simulated rule wins over today's rule of the same brand and fuel on
        # the dates it covers (the most specific rule wins; between equals, the first).
        simulated = {draft.id for draft in drafts}
        rules = drafts + [rule for rule in rules if rule.id not in simulated]
    zipcode_classes, class_factors = today.zipcode_classes, today.class_factors
    if scenario.zoning_proposal is not None:
        proposal = ZoningProposal.objects.get(pk=scenario.zoning_proposal)
        zipcode_classes = dict(proposal.zipcodes.values_list("code", "proposed_class"))
        class_factors = zoning_proposal_class_factors(proposal=proposal)
    tariff = (
        tariff_get(tariff_id=scenario.tariff_version)
        if scenario.tariff_version is not None
        else today.tariff
    )
    index_month = scenario.index_month or today.index_month
    return PricingTables(
        on=today.on,
        frequency_version=scenario.frequency_model,
        severity_version=scenario.severity_model,
        zipcode_classes=zipcode_classes,
        class_factors=class_factors,
        rules=rules,
        tariff=tariff,
        index_month=index_month,
        current_index=health_index_get(
            base_year=tariff.reference_base_year, month=index_month
        ).value,
        reference_index=health_index_get(
            base_year=tariff.reference_base_year, month=tariff.reference_month
        ).value,
    )


def scenario_pricing_date(*, scenario: Scenario) -> datetime.date:
    """The date a scenario is priced on unless told: today, or the day its latest-starting rule
    or tariff version comes into force, so that what is simulated applies."""
    starts = [timezone.localdate()]
    starts += PricingRule.objects.filter(pk__in=scenario.rules).values_list("valid_from", flat=True)
    if scenario.tariff_version is not None:
        starts += TariffVersion.objects.filter(pk=scenario.tariff_version).values_list(
            "valid_from", flat=True
        )
    return max(starts)


def impact_analysis_create(
    *,
    dataset_id: int,
    scenario: Scenario,
    on: datetime.date | None = None,
    requested_by: Any = None,
) -> ImpactAnalysis:
    """Queue the analysis of *scenario* on a portfolio dataset: the workers price its chunks."""
    dataset = Dataset.objects.filter(pk=dataset_id).first()
    if dataset is None:
        raise NotFoundError(
            gettext("There is no dataset %(id)s.") % {"id": dataset_id},
            code="dataset_not_found",
            field="dataset",
        )
    if scenario == Scenario():
        raise ApplicationError(
            gettext("The scenario changes nothing: name at least one change to simulate."),
            code="empty_scenario",
            field="scenario",
        )
    scenario_validate(scenario=scenario)
    on = on or scenario_pricing_date(scenario=scenario)
    # The tables must price that day: refused now rather than in a worker.
    scenario_tables(scenario=scenario, today=pricing_tables_current(on=on))
    analysis = ImpactAnalysis.objects.create(
        dataset=dataset,
        on=on,
        scenario=scenario.to_json(),
        chunks=max(1, -(-dataset.row_count // CHUNK_POLICIES)),
        requested_by=requested_by,
    )
    from tariffs import tasks  # the tasks module imports the services

    transaction.on_commit(lambda: tasks.impact_analysis_run.delay(analysis.pk))
    return analysis


def chunk_bounds(analysis: ImpactAnalysis) -> list[tuple[int, int]]:
    rows = analysis.dataset.row_count
    size = -(-rows // analysis.chunks)
    return [(start, min(start + size, rows)) for start in range(0, rows, size)]


def analysis_prices(
    analysis: ImpactAnalysis, frame: pd.DataFrame
) -> tuple[PortfolioPrices, PortfolioPrices]:
    today = pricing_tables_current(on=analysis.on)
    after = scenario_tables(scenario=Scenario.from_json(analysis.scenario), today=today)
    return portfolio_price(frame=frame, tables=today), portfolio_price(frame=frame, tables=after)


def impact_chunk_price(*, analysis_id: int, start: int, stop: int) -> dict[str, Any]:
    """Premiums in cents before and after, for the policies start..stop of the portfolio."""
    analysis = ImpactAnalysis.objects.select_related("dataset").get(pk=analysis_id)
    # Each worker reads only its chunk's lines, not the whole portfolio.
    frame = dataset_frame_get(dataset=analysis.dataset, rows=range(start, stop))
    before, after = analysis_prices(analysis, frame)
    priced = before.priced & after.priced
    return {
        "start": start,
        "before": np.where(priced, before.premium_cents, -1).tolist(),
        "after": np.where(priced, after.premium_cents, -1).tolist(),
    }


def impact_analysis_start(*, analysis_id: int) -> list[tuple[int, int]]:
    """Mark the analysis running; the chunks to price."""
    analysis = ImpactAnalysis.objects.select_related("dataset").get(pk=analysis_id)
    analysis.state = ImpactAnalysis.State.RUNNING
    analysis.save(update_fields=["state"])
    return chunk_bounds(analysis)


def impact_analysis_fail(*, analysis_id: int, error: str) -> None:
    ImpactAnalysis.objects.filter(pk=analysis_id).update(
        state=ImpactAnalysis.State.FAILED, error=error, finished_at=timezone.now()
    )


def euros(cents: float | int) -> str:
    return str((Decimal(int(cents)) / 100).quantize(Decimal("0.01")))


def percent(after: float, before: float) -> float:
    return round((after / before - 1) * 100, 2) if before else 0.0


def band_labels(values: pd.Series, bands: tuple[tuple[int, int], ...]) -> pd.Series:
    labels = pd.Series("", index=values.index)
    for low, high in bands:
        labels[(values >= low) & (values <= high)] = f"{low}" if low == high else f"{low}-{high}"
    return labels


def totals_by(groups: pd.Series, before: np.ndarray, after: np.ndarray) -> list[dict[str, Any]]:
    table = pd.DataFrame({"group": groups.to_numpy(), "before": before, "after": after})
    rows = []
    for group, part in table.groupby("group", sort=True):
        total_before, total_after = float(part["before"].sum()), float(part["after"].sum())
        rows.append(
            {
                "value": str(group) or "-",
                "policies": len(part),
                "before": euros(total_before),
                "after": euros(total_after),
                "change_percent": percent(total_after, total_before),
            }
        )
    return rows


def histogram_png(buckets: list[dict[str, Any]]) -> str:
    """The distribution of per-policy changes as a bar chart (base64 PNG for the admin)."""
    figure = Figure(figsize=(8, 3), layout="constrained")
    axes = figure.subplots()
    axes.bar([bucket["bucket"] for bucket in buckets], [b["policies"] for b in buckets])
    axes.set_ylabel(gettext("policies"))
    axes.set_xlabel(gettext("premium change"))
    axes.tick_params(axis="x", labelrotation=30, labelsize=8)
    return png(figure)


def histogram(change: np.ndarray) -> list[dict[str, Any]]:
    edges = HISTOGRAM_EDGES
    labels = [f"< {edges[0]} %"]
    labels += [f"{low} to {high} %" for low, high in itertools.pairwise(edges)]
    labels += [f">= {edges[-1]} %"]
    counts = np.bincount(np.digitize(change, edges), minlength=len(labels))
    return [
        {"bucket": label, "policies": int(count)}
        for label, count in zip(labels, counts, strict=True)
    ]


def movers(
    analysis: ImpactAnalysis, frame: pd.DataFrame, change: np.ndarray, rows: np.ndarray
) -> list[dict[str, Any]]:
    """The policies whose premium moves most, each with its steps before and after."""
    largest = rows[np.argsort(-np.abs(change))[:MOVERS_SHOWN]]
    policies = frame.iloc[largest]
    before, after = analysis_prices(analysis, policies)
    shown = []
    for position, row in enumerate(largest):
        policy = policies.iloc[position]
        shown.append(
            {
                "row": int(row) + 2,  # the CSV line: the header is line 1
                "id": int(policy["id"]) if "id" in policy and pd.notna(policy["id"]) else None,
                "postcode": int(policy["postcode"]),
                "fuel": policy["fuel"],
                "brand": policy.get("brand") or "",
                "before": euros(before.premium_cents[position]),
                "after": euros(after.premium_cents[position]),
                "change_percent": percent(
                    after.premium_cents[position], before.premium_cents[position]
                ),
                "steps_before": {s: euros(before.steps[s][position]) for s in STEPS},
                "steps_after": {s: euros(after.steps[s][position]) for s in STEPS},
            }
        )
    return shown


@transaction.atomic
def impact_analysis_aggregate(*, analysis_id: int, chunks: list[dict[str, Any]]) -> ImpactAnalysis:
    """Put the priced chunks together: totals, distribution, groups, movers, loss ratio, and
    the per-policy CSV."""
    analysis = (
        ImpactAnalysis.objects.select_for_update().select_related("dataset").get(pk=analysis_id)
    )
    frame = dataset_frame_get(dataset=analysis.dataset)
    ordered = sorted(chunks, key=lambda chunk: chunk["start"])
    before_all = np.concatenate([np.asarray(c["before"], dtype=np.int64) for c in ordered])
    after_all = np.concatenate([np.asarray(c["after"], dtype=np.int64) for c in ordered])
    priced = before_all >= 0
    rows = np.flatnonzero(priced)
    before, after = before_all[priced], after_all[priced]
    change = np.where(before > 0, (after / np.maximum(before, 1) - 1) * 100, 0.0)
    policies = frame.iloc[rows]
    brands = (
        policies["brand"].fillna("") if "brand" in policies else pd.Series("", index=policies.index)
    )
    zone = policies["postcode"].map(pricing_tables_current(on=analysis.on).zipcode_classes)
    result: dict[str, Any] = {
        "policies": len(frame),
        "priced": int(priced.sum()),
        "unpriced": int((~priced).sum()),
        "total_before": euros(before.sum()),
        "total_after": euros(after.sum()),
        "change": euros(after.sum() - before.sum()),
        "change_percent": percent(float(after.sum()), float(before.sum())),
        "histogram": (buckets := histogram(change)),
        "histogram_png": histogram_png(buckets),
        "moved_more_than": {
            str(threshold): int((np.abs(change) > threshold).sum())
            for threshold in MOVED_THRESHOLDS
        },
        "by": {
            "zone": totals_by(zone.fillna(""), before, after),
            "fuel": totals_by(policies["fuel"], before, after),
            "brand": totals_by(brands, before, after),
            "coverage": totals_by(policies["coverage"], before, after),
            "age_band": totals_by(band_labels(policies["ageph"], AGE_BANDS), before, after),
            "bonus_malus_band": totals_by(
                band_labels(policies["bm"], BONUS_MALUS_BANDS), before, after
            ),
        },
        "movers": movers(analysis, frame, change, rows),
        "loss_ratio": None,
    }
    if "amount" in policies and "expo" in policies:
        claims = float(policies["amount"].sum())
        exposure = policies["expo"].to_numpy()
        result["loss_ratio"] = {
            "before": round(claims / float((before / 100 * exposure).sum()), 4),
            "after": round(claims / float((after / 100 * exposure).sum()), 4),
        }
    per_policy = pd.DataFrame(
        {
            "line": rows + 2,
            "postcode": policies["postcode"].to_numpy(),
            "fuel": policies["fuel"].to_numpy(),
            "brand": brands.to_numpy(),
            "premium_before": before / 100,
            "premium_after": after / 100,
            "change_percent": np.round(change, 2),
        }
    )
    buffer = io.StringIO()
    per_policy.to_csv(buffer, index=False, float_format="%.2f")
    analysis.policies_csv.save(
        f"impact-{analysis.pk}.csv", ContentFile(buffer.getvalue().encode()), save=False
    )
    analysis.result = result
    analysis.state = ImpactAnalysis.State.DONE
    analysis.finished_at = timezone.now()
    analysis.save()
    return analysis
