"""The quote: expected claim cost (frequency × severity) × zone × strategy × indexation, loading,
fee, minimum."""

import datetime
import math
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from indices.selectors import HealthIndexValue, health_index_get, health_index_get_latest
from mlmodels.models import Task
from mlmodels.serving import Prediction, model_version_explain, model_version_predict
from pricing_site.exceptions import ApplicationError, ConflictError, ServiceUnavailableError
from pricing_site.idempotency import Idempotency, idempotency_check
from strategies.selectors import RuleResolution, fuel_priced_as, pricing_rule_resolve
from tariffs.models import Quote
from tariffs.selectors import Tariff, tariff_get, tariff_get_current
from tariffs.services.risk import CENT, cents, risk_premium, severity_rounded
from zipcodes.selectors import ZipcodeRisk, zipcode_risk_class_get


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
    severity: Decimal  # expected cost of one claim, in cents
    large_claim_loading: Decimal
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
    expected, zoned = risk_premium(
        frequency=factors.frequency,
        severity=factors.severity,
        large_claim_loading=factors.large_claim_loading,
        zone_factor=factors.zone_factor,
    )
    adjusted = cents(zoned * (1 + factors.adjustment_percent / 100))
    indexed = cents(adjusted * factors.current_index / factors.reference_index)
    loaded = cents(indexed * (1 + factors.commercial_loading))
    gross = loaded + factors.policy_fee
    premium = max(gross, factors.minimum_premium)
    steps = [
        (
            "expected_claim_cost",
            expected,
            f"frequency {frequency:.6f} claims/year × expected cost per claim "
            f"€ {factors.severity} × (1 + large-claim loading {factors.large_claim_loading})",
        ),
        (
            "zone",
            zoned,
            f"× zone factor {factors.zone_factor} (where the car is kept: the only place "
            "location enters the premium)",
        ),
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


def model_features(request: QuoteRequest, *, priced_as: str) -> dict[str, Any]:
    """The policy as the models know it (the postcode only serves location-aware models)."""
    return {
        "coverage": request.coverage,
        "ageph": request.driver_age,
        "bm": request.bonus_malus,
        "power": request.power_kw,
        "agec": request.vehicle_age,
        "fuel": priced_as,
        "use": request.use,
        "fleet": int(request.fleet),
        "postcode": request.zipcode,
    }


@dataclass(frozen=True)
class RiskPremium:
    """The two model predictions behind the expected claim cost, and the factors of the premium."""

    frequency: Prediction
    severity: Prediction | None  # None: a quote stored before severity models (one average)
    factors: PremiumFactors


def premium_factors(
    *,
    request: QuoteRequest,
    priced_as: str,
    tariff: Tariff,
    zone_factor: Decimal,
    adjustment_percent: Decimal,
    current_index: Decimal,
    frequency_version: int | None = None,
    severity_version: int | None = None,
    with_severity: bool = True,
) -> RiskPremium:
    """Both models' predictions for *request* and every factor of its premium."""
    records = [model_features(request, priced_as=priced_as)]
    frequency = model_version_predict(
        task=Task.CLAIM_FREQUENCY, records=records, version_id=frequency_version
    )
    severity = (
        model_version_predict(
            task=Task.CLAIM_SEVERITY, records=records, version_id=severity_version
        )
        if with_severity
        else None
    )
    reference_index = health_index_get(
        base_year=tariff.reference_base_year, month=tariff.reference_month
    )
    factors = PremiumFactors(
        frequency=frequency.values[0],
        severity=severity_rounded(severity.values[0]) if severity else frequency.average_claim_cost,
        large_claim_loading=severity.large_claim_loading if severity else Decimal("0"),
        zone_factor=zone_factor,
        adjustment_percent=adjustment_percent,
        current_index=current_index,
        reference_index=reference_index.value,
        commercial_loading=tariff.commercial_loading,
        policy_fee=tariff.policy_fee,
        minimum_premium=tariff.minimum_premium,
    )
    return RiskPremium(frequency=frequency, severity=severity, factors=factors)


def quote_create(
    *, request: QuoteRequest, requested_by: Any, idempotency: Idempotency
) -> tuple[Quote, bool]:
    """The quote for *request*, and whether it is new: a retry with the client's idempotency key
    and the same body gets the quote stored the first time (the key with another body is a 422)."""
    if not idempotency.key:
        return premium_quote(request=request, requested_by=requested_by), True
    existing = Quote.objects.filter(requested_by=requested_by, idempotency_key=idempotency.key)
    stored = existing.first()
    if stored is None:
        try:
            with transaction.atomic():
                quote = premium_quote(
                    request=request, requested_by=requested_by, idempotency=idempotency
                )
            return quote, True
        except IntegrityError:  # The same key sent twice at the same moment: one quote.
            stored = existing.get()
    idempotency_check(stored.request_fingerprint, idempotency)
    return stored, False


@dataclass(frozen=True)
class PricedQuote:
    """A quote computed and not stored: the premium, its breakdown and every reference."""

    request: QuoteRequest
    on: datetime.date
    premium: Decimal
    breakdown: list[dict[str, Any]]
    risk: RiskPremium
    priced_as: str
    rule_id: int | None
    risk_class: str
    index_base_year: int
    index_month: datetime.date
    tariff_id: int


def quote_date(*, requested: datetime.date | None) -> datetime.date:
    """The day a quote (or a batch) asking for *requested* is priced on: that day, today by
    default, at most the horizon ahead."""
    today = timezone.localdate()
    on = requested or today
    horizon = today + datetime.timedelta(days=settings.PRICING_QUOTE_HORIZON_DAYS)
    if on > horizon:
        raise ApplicationError(
            gettext(
                "A quote can be dated at most %(days)s days ahead (until %(until)s); tables "
                "further out are not known yet."
            )
            % {"days": settings.PRICING_QUOTE_HORIZON_DAYS, "until": horizon},
            code="date_beyond_horizon",
            field="date",
        )
    return on


def steps_references(
    *,
    risk: RiskPremium,
    zone: ZipcodeRisk,
    resolution: RuleResolution,
    tariff: Tariff,
    current_index: HealthIndexValue,
    priced_as: str,
    mapped: str | None,
) -> dict[str, dict[str, Any]]:
    """What each step of the breakdown used, by step: enough to price the quote again."""
    assert risk.severity is not None  # noqa: S101 - a new quote always prices severity
    factors = risk.factors
    return {
        "expected_claim_cost": {
            "frequency_model_version": risk.frequency.version_id,
            "frequency": factors.frequency,
            "severity_model_version": risk.severity.version_id,
            "severity": str(factors.severity),
            "large_claim_loading": str(factors.large_claim_loading),
            "priced_as_fuel": priced_as,
            "fuel_mapping": mapped,
        },
        "zone": {"zipcode": zone.code, "risk_class": zone.risk_class, "factor": str(zone.factor)},
        "strategy": {
            "rule": resolution.rule.id if resolution.rule else None,
            "adjustment_percent": str(resolution.adjustment_percent),
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


def location_model_refuse(*, uses_location: bool, version_id: int) -> None:
    """Refuse to price with a frequency model that uses the postcode: the zone factor prices
    location too."""
    if uses_location:
        raise ServiceUnavailableError(
            gettext(
                "The frequency model in production (version %(version)s) uses the postcode, and "
                "the zone factor prices location too: location would count twice. Promote a "
                "tariff model (trained without location) before quoting."
            )
            % {"version": version_id},
            code="location_model_in_production",
        )


def quote_price(*, request: QuoteRequest) -> PricedQuote:
    """Price *request* with the tables in force on its date (today by default)."""
    on = quote_date(requested=request.date)
    zone = zipcode_risk_class_get(code=request.zipcode)
    resolution = pricing_rule_resolve(brand=request.brand, fuel=request.fuel, on=on)
    request = QuoteRequest(**{**asdict(request), "fuel": resolution.fuel, "date": on})
    priced_as = fuel_priced_as(fuel=resolution.fuel)
    tariff = tariff_get_current(on=on)
    current_index = health_index_get_latest(base_year=tariff.reference_base_year)
    risk = premium_factors(
        request=request,
        priced_as=priced_as,
        tariff=tariff,
        zone_factor=zone.factor,
        adjustment_percent=resolution.adjustment_percent,
        current_index=current_index.value,
    )
    location_model_refuse(
        uses_location=risk.frequency.uses_location, version_id=risk.frequency.version_id
    )
    premium, steps = premium_compute(risk.factors)
    mapped = (
        f"priced as {priced_as} (no {request.fuel} cars in the training data)"
        if priced_as != request.fuel
        else None
    )
    references = steps_references(
        risk=risk,
        zone=zone,
        resolution=resolution,
        tariff=tariff,
        current_index=current_index,
        priced_as=priced_as,
        mapped=mapped,
    )
    if mapped:
        steps[0]["explanation"] += f"; {mapped}"
    breakdown = [{**step, "uses": references[step["step"]]} for step in steps]
    return PricedQuote(
        request=request,
        on=on,
        premium=premium,
        breakdown=breakdown,
        risk=risk,
        priced_as=priced_as,
        rule_id=resolution.rule.id if resolution.rule else None,
        risk_class=zone.risk_class,
        index_base_year=tariff.reference_base_year,
        index_month=current_index.month,
        tariff_id=tariff.id,
    )


def premium_quote(
    *, request: QuoteRequest, requested_by: Any = None, idempotency: Idempotency | None = None
) -> Quote:
    """Price *request* with today's tables and store the quote with every reference it used."""
    priced = quote_price(request=request)
    factors = priced.risk.factors
    severity = priced.risk.severity
    assert severity is not None  # noqa: S101 - a new quote always prices severity
    # One INSERT and nothing else: on a warm cache a quote reads no table.
    return Quote.objects.create(
        quote_date=priced.on,
        inputs={**asdict(priced.request), "date": priced.on.isoformat()},
        premium=priced.premium,
        breakdown=priced.breakdown,
        model_version_id=priced.risk.frequency.version_id,
        frequency=factors.frequency,
        severity_model_version_id=severity.version_id,
        severity=factors.severity,
        large_claim_loading=factors.large_claim_loading,
        priced_as_fuel=priced.priced_as,
        pricing_rule_id=priced.rule_id,
        adjustment_percent=factors.adjustment_percent,
        risk_class=priced.risk_class,
        zone_factor=factors.zone_factor,
        index_base_year=priced.index_base_year,
        index_month=priced.index_month,
        tariff_id=priced.tariff_id,
        requested_by=requested_by,
        idempotency_key=idempotency.key if idempotency else "",
        request_fingerprint=idempotency.fingerprint if idempotency else "",
    )


@dataclass(frozen=True)
class Repriced:
    premium: Decimal
    steps: list[dict[str, Any]]


def quote_reprice(*, quote: Quote) -> Repriced:
    """Price a stored quote again with the references it stored (its model version, tariff
    version, index months, zone factor and adjustment), whatever changed in the tables since."""
    request = QuoteRequest(
        **{**quote.inputs, "date": datetime.date.fromisoformat(quote.inputs["date"])}
    )
    current_index = health_index_get(base_year=quote.index_base_year, month=quote.index_month)
    risk = premium_factors(
        request=request,
        priced_as=quote.priced_as_fuel or request.fuel,
        tariff=tariff_get(tariff_id=quote.tariff_id),
        zone_factor=quote.zone_factor,
        adjustment_percent=quote.adjustment_percent,
        current_index=current_index.value,
        frequency_version=quote.model_version_id,
        severity_version=quote.severity_model_version_id,
        with_severity=quote.severity_model_version_id is not None,
    )
    premium, steps = premium_compute(risk.factors)
    # Priced with the quote's own references: each step used what the stored step used.
    used = {step["step"]: step.get("uses", {}) for step in quote.breakdown}
    return Repriced(premium, [{**step, "uses": used.get(step["step"], {})} for step in steps])


@dataclass(frozen=True)
class QuoteRepricing:
    """A stored quote, reproduced from its references and priced with today's tables."""

    quote: Quote
    reproduced: Repriced
    today: PricedQuote
    explanation: "FrequencyExplanation | None"

    @property
    def reproducible(self) -> bool:
        return self.reproduced.premium == self.quote.premium

    @property
    def change_percent(self) -> Decimal:
        change = (self.today.premium / self.quote.premium - 1) * 100
        return change.quantize(CENT, rounding=ROUND_HALF_UP)


def quote_reprice_compare(*, quote: Quote) -> QuoteRepricing:
    """*quote* priced again with its stored references (the proof that it is reproducible) and
    with the tables in force today (what the customer would pay now), and its frequency taken
    apart by its model."""
    if quote.anonymised_at is not None:
        raise ConflictError(
            gettext(
                "Quote %(id)s keeps no personal data since %(day)s (past its retention period, "
                "or erased): it cannot be priced again."
            )
            % {"id": quote.pk, "day": date_format(quote.anonymised_at, "SHORT_DATE_FORMAT")},
            code="quote_anonymised",
        )
    request = QuoteRequest(**{**quote.inputs, "date": timezone.localdate()})
    return QuoteRepricing(
        quote=quote,
        reproduced=quote_reprice(quote=quote),
        today=quote_price(request=request),
        explanation=quote_frequency_explain(quote=quote),
    )


# The characteristics a quote's frequency is explained by, in the order staff read them.
EXPLAINED = ("ageph", "bm", "power", "agec", "fuel", "coverage", "use", "fleet")


@dataclass(frozen=True)
class FrequencyExplanation:
    """Why a quote's expected claim frequency is what it is: the average policy's, times one
    factor per characteristic of this driver and vehicle (the premium's zone step then applies
    its zone factor)."""

    average: float  # claims per year of the model's average policy
    factors: list[tuple[str, Any, float]]  # (characteristic, this quote's value, factor)
    zone_factor: Decimal

    @property
    def frequency(self) -> float:
        """The quote's expected claims per year, as its model predicted it."""
        return self.average * math.prod(factor for _name, _value, factor in self.factors)


def quote_frequency_explain(*, quote: Quote) -> FrequencyExplanation | None:
    """*quote*'s frequency taken apart by its own frequency model; None for a model that cannot
    say (a random forest, or a GLM trained before its average policy was kept)."""
    request = QuoteRequest(
        **{**quote.inputs, "date": datetime.date.fromisoformat(quote.inputs["date"])}
    )
    record = model_features(request, priced_as=quote.priced_as_fuel or request.fuel)
    explanation = model_version_explain(version_id=quote.model_version_id, record=record)
    if explanation is None:
        return None
    return FrequencyExplanation(
        average=explanation.average,
        factors=[
            (name, record[name], explanation.factors[name])
            for name in EXPLAINED
            if name in explanation.factors
        ],
        zone_factor=quote.zone_factor,
    )
