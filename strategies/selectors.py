"""Reads of the pricing rules, brands and fuel mappings (cached whole)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext

from pricing_site.caching import cache_get_or_load
from pricing_site.exceptions import ApplicationError
from pricing_site.numbers import percent
from pricing_site.text import name_normalize
from strategies.caching import (
    BRANDS_KEY,
    FUEL_MAPPINGS_KEY,
    RULES_KEY,
    STRATEGIES_TTL,
)
from strategies.models import (
    Brand,
    BrandAlias,
    DraftState,
    Fuel,
    FuelMapping,
    ModelledFuel,
    PricingRule,
)

FUEL_SYNONYMS = {
    "gasoline": Fuel.PETROL,
    "benzine": Fuel.PETROL,
    "essence": Fuel.PETROL,
    "lpg": Fuel.LPG_CNG,
    "cng": Fuel.LPG_CNG,
}
LEVELS = ("default", "fuel", "brand", "brand+fuel")


@dataclass(frozen=True)
class RuleRow:
    id: int
    brand_id: int | None
    brand: str | None
    fuel: str
    adjustment_percent: Decimal
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True)
class RuleResolution:
    rule: RuleRow | None
    adjustment_percent: Decimal
    brand: str | None
    brand_known: bool
    fuel: str
    level: str
    reason: str


def fuel_parse(*, raw: str) -> str:
    """A fuel as people write it (petrol, gasoline, Diesel, LPG…)."""
    fuel = name_normalize(raw).replace("/", "_").replace(" ", "_")
    fuel = FUEL_SYNONYMS.get(fuel, fuel)
    if fuel not in Fuel.values:
        raise ApplicationError(
            gettext("Unknown fuel %(value)r; use one of %(fuels)s.")
            % {"value": raw, "fuels": ", ".join(Fuel.values)},
            code="unknown_fuel",
            field="fuel",
        )
    return fuel


def fuel_priced_as(*, fuel: str) -> str:
    """The modelled fuel a vehicle of *fuel* is priced as: itself, or what staff mapped it to."""
    if fuel in ModelledFuel.values:
        return fuel
    mappings = cache_get_or_load(
        key=FUEL_MAPPINGS_KEY,
        entity="fuel_mappings",
        loader=lambda: dict(FuelMapping.objects.values_list("fuel", "priced_as")),
        timeout=STRATEGIES_TTL,
    )
    if fuel not in mappings:
        raise ApplicationError(
            gettext(
                "The claim models learnt from petrol and diesel vehicles only, and no fuel "
                "mapping says how to price %(fuel)s ones: staff can add one in the admin (Fuel "
                "mappings)."
            )
            % {"fuel": fuel},
            code="fuel_not_modelled",
            field="vehicle.fuel",
        )
    return mappings[fuel]


def brands_load() -> dict[str, tuple[int, str]]:
    brands = {brand.normalized: (brand.pk, brand.name) for brand in Brand.objects.all()}
    for alias in BrandAlias.objects.select_related("brand"):
        brands[alias.normalized] = (alias.brand_id, alias.brand.name)
    return brands


def brand_find(*, name: str) -> tuple[int, str] | None:
    """(id, canonical name) of the brand called *name* or one of its aliases; None if unknown."""
    brands = cache_get_or_load(
        key=BRANDS_KEY, entity="brands", loader=brands_load, timeout=STRATEGIES_TTL
    )
    return brands.get(name_normalize(name))


def brand_spellings(*, name: str) -> list[str]:
    """Every way a quote may have named the brand called *name*: its name and aliases (as
    written in the catalogue); *name* alone if it is not in the catalogue."""
    found = brand_find(name=name)
    if found is None:
        return [name]
    brand_id, brand_name = found
    aliases = BrandAlias.objects.filter(brand_id=brand_id).values_list("alias", flat=True)
    return [brand_name, *aliases]


def rule_row(rule: PricingRule) -> RuleRow:
    return RuleRow(
        rule.pk,
        rule.brand_id,
        rule.brand.name if rule.brand else None,
        rule.fuel,
        rule.adjustment_percent,
        rule.valid_from,
        rule.valid_to,
    )


def rules_load() -> list[RuleRow]:
    """The approved rules that are not ended (drafts only serve impact analyses)."""
    return [
        rule_row(rule)
        for rule in PricingRule.objects.filter(
            is_active=True, state=DraftState.APPROVED
        ).select_related("brand")
    ]


def pricing_rule_in_force(*, rule: PricingRule, on: date) -> bool:
    """Draft → approved → in force: approved, not ended, and *on* within its period."""
    return (
        rule.state == DraftState.APPROVED
        and rule.is_active
        and rule.valid_from <= on
        and (rule.valid_to is None or on <= rule.valid_to)
    )


def pricing_rules_in_force() -> list[RuleRow]:
    """The active rules of every period (cached whole: a small table)."""
    return cache_get_or_load(
        key=RULES_KEY, entity="pricing_rules", loader=rules_load, timeout=STRATEGIES_TTL
    )


def rule_select(
    *, rules: list[RuleRow], brand_id: int | None, fuel: str, on: date
) -> tuple[int, RuleRow] | None:
    """The most specific of *rules* valid on *on* for the brand and fuel, with its level:
    brand+fuel (3), brand (2), fuel (1), default (0)."""
    best: tuple[int, RuleRow] | None = None
    for rule in rules:
        if rule.valid_from > on or (rule.valid_to is not None and rule.valid_to < on):
            continue
        if rule.brand_id not in (None, brand_id) or rule.fuel not in ("", fuel):
            continue
        level = 2 * (rule.brand_id is not None) + (rule.fuel != "")
        if best is None or level > best[0]:
            best = (level, rule)
    return best


def pricing_rule_resolve(*, brand: str | None, fuel: str, on: date) -> RuleResolution:
    """The most specific active rule valid on *on*: brand+fuel, brand, fuel, then default."""
    fuel = fuel_parse(raw=fuel)
    found = brand_find(name=brand) if brand else None
    brand_id, brand_name = found if found else (None, None)
    best = rule_select(rules=pricing_rules_in_force(), brand_id=brand_id, fuel=fuel, on=on)
    unknown = (
        gettext("Brand %(brand)r is not in the catalogue, so brand rules were skipped. ")
        % {"brand": brand}
        if brand and not found
        else ""
    )
    if best is None:
        return RuleResolution(
            None,
            Decimal("0.00"),
            brand_name,
            bool(found),
            fuel,
            "none",
            unknown + gettext("No active rule applies on %(date)s: no adjustment.") % {"date": on},
        )
    level, rule = best
    fuel_named = Fuel(rule.fuel).label if rule.fuel else gettext("any fuel")
    scope = f"{rule.brand or gettext('any brand')} + {fuel_named}"
    reason = unknown + gettext(
        "Rule #%(rule)s (%(scope)s, %(percent)s) is the most specific active rule valid on "
        "%(date)s (precedence: brand+fuel, brand, fuel, default)."
    ) % {
        "rule": rule.id,
        "scope": scope,
        "percent": percent(rule.adjustment_percent, signed=True),
        "date": on,
    }
    return RuleResolution(
        rule, rule.adjustment_percent, brand_name, bool(found), fuel, LEVELS[level], reason
    )


def pricing_rule_list(
    *, brand: str | None = None, fuel: str | None = None, on: date | None = None
) -> QuerySet[PricingRule]:
    """Rules for staff and partners; a brand is matched by its name or an alias."""
    rules = PricingRule.objects.select_related("brand").order_by(
        "brand__name", "fuel", "-valid_from"
    )
    if brand:
        found = brand_find(name=brand)
        rules = rules.filter(brand_id=found[0]) if found else rules.none()
    if fuel:
        rules = rules.filter(fuel=fuel_parse(raw=fuel))
    if on:
        rules = rules.filter(is_active=True, valid_from__lte=on).exclude(valid_to__lt=on)
    return rules
