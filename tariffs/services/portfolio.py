"""Pricing a whole portfolio with the quote's steps and rounding, vectorised over the policies.

The risk part is the quote's own formula, vectorised (`tariffs.services.risk.risk_premiums`).
After it, every step multiplies an amount in cents by a factor with a fixed number of decimals
(adjustment 2 in %, index values 2, loading 3), so it is computed exactly in integers and
rounded half up, as the quote's Decimal arithmetic does. Every premium therefore equals the
quote's to the cent (`tariffs/tests/services/test_portfolio.py` checks 10,000 random policies)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd

from indices.selectors import health_index_get, health_index_get_latest
from mlmodels.models import Task
from mlmodels.schema import fuel_respelled
from mlmodels.serving import LoadedModel, model_get, model_scores
from strategies.selectors import (
    FUEL_SYNONYMS,
    RuleRow,
    brand_find,
    fuel_priced_as,
    pricing_rules_in_force,
    rule_select,
)
from tariffs.selectors import Tariff, tariff_get_current
from tariffs.services.risk import half_up, hundredths, risk_premiums
from zipcodes.selectors import risk_class_factors_get, zipcode_classes_get

STEPS = ("expected_claim_cost", "zone", "strategy", "indexation", "loading", "fee", "minimum")


@dataclass(frozen=True)
class PricingTables:
    """Everything a premium depends on besides the policy: today's tables or a scenario's."""

    on: datetime.date
    frequency_version: int | None  # None: the production model
    severity_version: int | None
    zipcode_classes: dict[int, str]
    class_factors: dict[str, Decimal]
    rules: list[RuleRow]
    tariff: Tariff
    index_month: datetime.date
    current_index: Decimal
    reference_index: Decimal


def pricing_tables_current(*, on: datetime.date) -> PricingTables:
    """The tables a quote dated *on* is priced with."""
    tariff = tariff_get_current(on=on)
    current = health_index_get_latest(base_year=tariff.reference_base_year)
    reference = health_index_get(base_year=tariff.reference_base_year, month=tariff.reference_month)
    return PricingTables(
        on=on,
        frequency_version=None,
        severity_version=None,
        zipcode_classes=zipcode_classes_get(),
        class_factors=risk_class_factors_get(),
        rules=pricing_rules_in_force(),
        tariff=tariff,
        index_month=current.month,
        current_index=current.value,
        reference_index=reference.value,
    )


@dataclass(frozen=True)
class PortfolioPrices:
    """Per policy (in the portfolio's order): each step's amount in cents and what it used.
    Policies that cannot be priced (a postcode missing from the table) have `priced` False and
    zero amounts."""

    tables: PricingTables
    frequency_version: int
    severity_version: int
    priced: np.ndarray
    frequency: np.ndarray
    severity_cents: np.ndarray
    risk_class: np.ndarray
    rule_id: np.ndarray  # 0: no rule applied
    adjustment_percent: np.ndarray
    steps: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def premium_cents(self) -> np.ndarray:
        return self.steps["minimum"]


def model_columns(frame: pd.DataFrame, model: LoadedModel) -> dict[str, list]:
    """The model's features of every policy, each fuel as the quote prices it: a modelled fuel
    itself, any other the modelled fuel staff mapped it to."""
    columns = {name: frame[name].tolist() for name in model.features}
    if "fuel" in columns:
        priced_as = {
            fuel: fuel_priced_as(fuel=FUEL_SYNONYMS.get(fuel, fuel))
            for fuel in set(columns["fuel"])
        }
        columns["fuel"] = [priced_as[fuel] for fuel in columns["fuel"]]
    return fuel_respelled(columns)


def rules_by_policy(frame: pd.DataFrame, tables: PricingTables) -> tuple[np.ndarray, np.ndarray]:
    """The rule (id, adjustment in hundredths of a %) of every policy, resolved once per
    distinct brand and fuel."""
    brands = frame["brand"] if "brand" in frame.columns else pd.Series("", index=frame.index)
    fuels = frame["fuel"].map(lambda fuel: FUEL_SYNONYMS.get(fuel, fuel))
    pairs = pd.MultiIndex.from_arrays([brands.fillna(""), fuels])
    codes, distinct = pd.factorize(pairs)
    rule_ids = np.zeros(len(distinct), dtype=np.int64)
    adjustments = np.zeros(len(distinct), dtype=np.int64)
    for position, (brand, fuel) in enumerate(distinct):
        found = brand_find(name=brand) if brand else None
        best = rule_select(
            rules=tables.rules, brand_id=found[0] if found else None, fuel=fuel, on=tables.on
        )
        if best is not None:
            rule_ids[position] = best[1].id
            adjustments[position] = hundredths(best[1].adjustment_percent)
    return rule_ids[codes], adjustments[codes]


def portfolio_price(*, frame: pd.DataFrame, tables: PricingTables) -> PortfolioPrices:
    """Price every policy of *frame* (the portfolio layout, typed) with *tables*."""
    frequency_model = model_get(task=Task.CLAIM_FREQUENCY, version_id=tables.frequency_version)
    severity_model = model_get(task=Task.CLAIM_SEVERITY, version_id=tables.severity_version)
    frequency = model_scores(frequency_model, model_columns(frame, frequency_model))
    severity = model_scores(severity_model, model_columns(frame, severity_model))

    risk_class = frame["postcode"].map(tables.zipcode_classes).to_numpy(dtype=object)
    priced = pd.notna(risk_class)
    factor_of = {code: hundredths(factor) for code, factor in tables.class_factors.items()}
    zone = np.array([factor_of.get(code, 0) for code in risk_class], dtype=np.int64)
    rule_id, adjustment = rules_by_policy(frame, tables)

    risk = risk_premiums(
        frequency=frequency,
        severity=severity,
        large_claim_loading=severity_model.large_claim_loading,
        zone_hundredths=zone,
    )
    expected, zoned = risk.expected_cents, risk.zoned_cents
    adjusted = half_up(zoned * (10_000 + adjustment), 10_000)
    indexed = half_up(
        adjusted * hundredths(tables.current_index), hundredths(tables.reference_index)
    )
    loaded = half_up(indexed * (1000 + hundredths(tables.tariff.commercial_loading, 3)), 1000)
    gross = loaded + hundredths(tables.tariff.policy_fee)
    premium = np.maximum(gross, hundredths(tables.tariff.minimum_premium))
    steps = dict(
        zip(STEPS, (expected, zoned, adjusted, indexed, loaded, gross, premium), strict=True)
    )
    return PortfolioPrices(
        tables=tables,
        frequency_version=frequency_model.version_id,
        severity_version=severity_model.version_id,
        priced=priced,
        frequency=frequency,
        severity_cents=risk.severity_cents,
        risk_class=risk_class,
        rule_id=rule_id,
        adjustment_percent=adjustment,
        steps={name: np.where(priced, amounts, 0) for name, amounts in steps.items()},
    )
