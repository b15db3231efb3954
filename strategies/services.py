"""The quote: model frequency × claim cost × zone × strategy × indexation, loading, fee, minimum."""

import datetime
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from indices.selectors import health_index_get, health_index_get_latest
from mlmodels.serving import Prediction, model_version_predict
from pricing_site.exceptions import ApplicationError
from strategies.models import Quote
from strategies.selectors import Tariff, pricing_rule_resolve, tariff_get, tariff_get_current
from zipcodes.selectors import zipcode_risk_class_get

CENT = Decimal("0.01")
TASK = "claim_frequency"
# The portfolio the models learn from knows two fuels; others cannot be priced by them.
MODEL_FUELS = {"petrol": "gasoline", "diesel": "diesel"}


def cents(amount: Decimal) -> Decimal:
    """Every step is rounded half-up to the cent, so the breakdown adds up as shown."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class QuoteRequest:
    zipcode: int
    brand: str
    fuel: str
    power_kw: int
    vehicle_age: int
    driver_age: int
    bonus_malus: int
    coverage: str
    use: str
    fleet: bool
    date: datetime.date | None = None


@dataclass(frozen=True)
class PremiumFactors:
    frequency: float
    average_claim_cost: Decimal
    zone_factor: Decimal
    adjustment_percent: Decimal
    current_index: Decimal
    reference_index: Decimal
    commercial_loading: Decimal
    policy_fee: Decimal
    minimum_premium: Decimal


def premium_compute(factors: PremiumFactors) -> tuple[Decimal, list[dict[str, Any]]]:
    """The annual premium in euro and its steps; pure, so a stored quote re-prices to the cent."""
    frequency = Decimal(repr(factors.frequency))
    expected = cents(frequency * factors.average_claim_cost)
    zoned = cents(expected * factors.zone_factor)
    adjusted = cents(zoned * (1 + factors.adjustment_percent / 100))
    indexed = cents(adjusted * factors.current_index / factors.reference_index)
    loaded = cents(indexed * (1 + factors.commercial_loading))
    gross = loaded + factors.policy_fee
    premium = max(gross, factors.minimum_premium)
    steps = [
        (
            "expected_claim_cost",
            expected,
            f"frequency {frequency:.6f} claims/year × average claim cost "
            f"€ {factors.average_claim_cost}",
        ),
        ("zone", zoned, f"× zone factor {factors.zone_factor}"),
        ("strategy", adjusted, f"× (1 {factors.adjustment_percent:+} %)"),
        (
            "indexation",
            indexed,
            f"× health index {factors.current_index} / reference {factors.reference_index}",
        ),
        ("loading", loaded, f"× (1 + commercial loading {factors.commercial_loading})"),
        ("fee", gross, f"+ policy fee € {factors.policy_fee}"),
        ("minimum", premium, f"at least the minimum premium € {factors.minimum_premium}"),
    ]
    return premium, [
        {"step": step, "amount": str(amount), "explanation": text} for step, amount, text in steps
    ]


def model_features(request: QuoteRequest) -> dict[str, Any]:
    model_fuel = MODEL_FUELS.get(request.fuel)
    if model_fuel is None:
        raise ApplicationError(
            f"The claim model was trained on petrol and diesel vehicles only; it cannot price "
            f"{request.fuel}. Train a model on a portfolio that has them.",
            code="fuel_not_modelled",
            field="vehicle.fuel",
        )
    return {
        "coverage": request.coverage,
        "ageph": request.driver_age,
        "bm": request.bonus_malus,
        "power": request.power_kw,
        "agec": request.vehicle_age,
        "fuel": model_fuel,
        "use": request.use,
        "fleet": int(request.fleet),
        "postcode": request.zipcode,
    }


def premium_factors(
    *,
    request: QuoteRequest,
    tariff: Tariff,
    zone_factor: Decimal,
    adjustment_percent: Decimal,
    current_index: Decimal,
    version_id: int | None = None,
) -> tuple[Prediction, PremiumFactors]:
    """The model's prediction for *request* and every factor of its premium."""
    prediction = model_version_predict(
        task=TASK, records=[model_features(request)], version_id=version_id
    )
    reference_index = health_index_get(
        base_year=tariff.reference_base_year, month=tariff.reference_month
    )
    factors = PremiumFactors(
        frequency=prediction.values[0],
        average_claim_cost=prediction.average_claim_cost,
        zone_factor=zone_factor,
        adjustment_percent=adjustment_percent,
        current_index=current_index,
        reference_index=reference_index.value,
        commercial_loading=tariff.commercial_loading,
        policy_fee=tariff.policy_fee,
        minimum_premium=tariff.minimum_premium,
    )
    return prediction, factors


def premium_quote(*, request: QuoteRequest, requested_by: Any = None) -> Quote:
    """Price *request* with today's tables and store the quote with every reference it used."""
    on = request.date or timezone.localdate()
    zone = zipcode_risk_class_get(code=request.zipcode)
    resolution = pricing_rule_resolve(brand=request.brand, fuel=request.fuel, on=on)
    request = QuoteRequest(**{**asdict(request), "fuel": resolution.fuel, "date": on})
    tariff = tariff_get_current(on=on)
    current_index = health_index_get_latest(base_year=tariff.reference_base_year)
    prediction, factors = premium_factors(
        request=request,
        tariff=tariff,
        zone_factor=zone.factor,
        adjustment_percent=resolution.adjustment_percent,
        current_index=current_index.value,
    )
    premium, steps = premium_compute(factors)
    references = {
        "expected_claim_cost": {
            "model_version": prediction.version_id,
            "frequency": prediction.values[0],
            "average_claim_cost": str(prediction.average_claim_cost),
        },
        "zone": {"zipcode": zone.code, "risk_class": zone.risk_class, "factor": str(zone.factor)},
        "strategy": {
            "rule": resolution.rule.id if resolution.rule else None,
            "level": resolution.level,
            "brand": resolution.brand,
            "brand_known": resolution.brand_known,
            "reason": resolution.reason,
        },
        "indexation": {
            "base_year": tariff.reference_base_year,
            "month": f"{current_index.month:%Y-%m}",
            "value": str(current_index.value),
            "stale": current_index.stale,
            "reference_month": f"{tariff.reference_month:%Y-%m}",
            "reference_value": str(factors.reference_index),
        },
        "loading": {"tariff_version": tariff.id},
        "fee": {"tariff_version": tariff.id},
        "minimum": {"tariff_version": tariff.id},
    }
    breakdown = [{**step, "uses": references[step["step"]]} for step in steps]
    inputs = {**asdict(request), "date": on.isoformat()}
    # One INSERT and nothing else: on a warm cache a quote reads no table.
    return Quote.objects.create(
        quote_date=on,
        inputs=inputs,
        premium=premium,
        breakdown=breakdown,
        model_version_id=prediction.version_id,
        frequency=prediction.values[0],
        pricing_rule_id=resolution.rule.id if resolution.rule else None,
        adjustment_percent=resolution.adjustment_percent,
        risk_class=zone.risk_class,
        zone_factor=zone.factor,
        index_base_year=tariff.reference_base_year,
        index_month=current_index.month,
        tariff_id=tariff.id,
        requested_by=requested_by,
    )


def quote_reprice(*, quote: Quote) -> Decimal:
    """Price a stored quote again with the references it stored (its model version, tariff
    version, index months, zone factor and adjustment), whatever changed in the tables since."""
    request = QuoteRequest(
        **{**quote.inputs, "date": datetime.date.fromisoformat(quote.inputs["date"])}
    )
    current_index = health_index_get(base_year=quote.index_base_year, month=quote.index_month)
    _, factors = premium_factors(
        request=request,
        tariff=tariff_get(tariff_id=quote.tariff_id),
        zone_factor=quote.zone_factor,
        adjustment_percent=quote.adjustment_percent,
        current_index=current_index.value,
        version_id=quote.model_version_id,
    )
    return premium_compute(factors)[0]
