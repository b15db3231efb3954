"""Impact analyses: what a scenario does to the premiums of a portfolio before it goes live.

A scenario is today's tables plus any of: draft rules, a zoning proposal, candidate frequency
and severity models, a tariff version, an index month. The portfolio is priced with both in
chunks (Celery workers price them in parallel, then one aggregates), with the quote's own
arithmetic (`portfolio_price`), so every "before" premium is what a quote would say today."""

import datetime
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from indices.selectors import health_index_get
from mlmodels.models import Dataset, ModelVersion, Task
from mlmodels.selectors import dataset_frame_get
from pricing_site.exceptions import ApplicationError, NotFoundError
from strategies.models import PricingRule
from strategies.selectors import FUEL_SYNONYMS, brand_find, rule_row
from tariffs.models import ImpactAnalysis, TariffVersion, ZoningProposal
from tariffs.selectors import tariff_get, zoning_proposal_class_factors
from tariffs.services.impact_results import (
    cents_as_euros,
    change_percent,
    per_policy_csv,
    premium_change,
    premiums_compared,
)
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


# The scenario key that prices with a candidate model, by the model's task: only these two price
# the premium.
MODEL_SCENARIO_KEYS: dict[str, str] = {
    Task.CLAIM_FREQUENCY.value: "frequency_model",
    Task.CLAIM_SEVERITY.value: "severity_model",
}


def model_version_scenario(*, version: ModelVersion) -> Scenario:
    """The scenario that prices with *version* instead of its task's production model."""
    key = MODEL_SCENARIO_KEYS.get(version.task)
    if key is None:
        raise ApplicationError(
            gettext("Only frequency and severity models price the premium."),
            code="not_a_premium_model",
        )
    candidate: dict[str, Any] = {key: version.pk}
    return Scenario(**candidate)


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
        ("frequency_model", Task.CLAIM_FREQUENCY),
        ("severity_model", Task.CLAIM_SEVERITY),
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
                "before": cents_as_euros(before.premium_cents[position]),
                "after": cents_as_euros(after.premium_cents[position]),
                "change_percent": change_percent(
                    after.premium_cents[position], before.premium_cents[position]
                ),
                "steps_before": {s: cents_as_euros(before.steps[s][position]) for s in STEPS},
                "steps_after": {s: cents_as_euros(after.steps[s][position]) for s in STEPS},
            }
        )
    return shown


def rules_not_applied(
    *, rules: tuple[int, ...], policies: pd.DataFrame, on: datetime.date
) -> list[dict[str, Any]]:
    """For each simulated rule that can apply to no policy of the portfolio, why: not in force
    on the pricing date, a brand the portfolio does not carry, or a fuel no policy has."""
    fuels = set(policies["fuel"].map(lambda fuel: FUEL_SYNONYMS.get(fuel, fuel)))
    brands = (
        {brand_find(name=name) for name in policies["brand"].dropna().unique()}
        if "brand" in policies
        else None
    )
    found = []
    for rule in PricingRule.objects.filter(pk__in=rules).select_related("brand").order_by("pk"):
        reason = None
        if rule.valid_from > on or (rule.valid_to is not None and rule.valid_to < on):
            reason = "not_in_force"
        elif rule.brand is not None and brands is None:
            reason = "no_brand_column"
        elif rule.brand is not None and not any(b and b[0] == rule.brand_id for b in brands or ()):
            reason = "no_policy_of_brand"
        elif rule.fuel and rule.fuel not in fuels:
            reason = "no_policy_with_fuel"
        if reason:
            found.append(
                {
                    "rule": rule.pk,
                    "why": reason,
                    "brand": rule.brand.name if rule.brand else None,
                    "fuel": rule.fuel,
                    "valid_from": rule.valid_from.isoformat(),
                    "valid_to": rule.valid_to.isoformat() if rule.valid_to else None,
                }
            )
    return found


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
    rows = np.flatnonzero(before_all >= 0)  # unpriced policies are -1
    before, after = before_all[rows], after_all[rows]
    change = premium_change(before, after)
    policies = frame.iloc[rows]
    zone = policies["postcode"].map(pricing_tables_current(on=analysis.on).zipcode_classes)
    result = {
        "policies": len(frame),
        "priced": len(rows),
        "unpriced": len(frame) - len(rows),
        **premiums_compared(policies, zone=zone.fillna(""), before=before, after=after),
        "movers": movers(analysis, frame, change, rows),
        "rules_not_applied": rules_not_applied(
            rules=Scenario.from_json(analysis.scenario).rules, policies=policies, on=analysis.on
        ),
    }
    analysis.policies_csv.save(
        f"impact-{analysis.pk}.csv",
        ContentFile(per_policy_csv(policies, rows=rows, before=before, after=after)),
        save=False,
    )
    analysis.result = result
    analysis.state = ImpactAnalysis.State.DONE
    analysis.finished_at = timezone.now()
    analysis.save()
    return analysis
