"""Which rule applies: every precedence case, dates, aliases, unknown brands, cache."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from pricing_site.exceptions import ApplicationError
from strategies.selectors import brand_find, pricing_rule_resolve
from strategies.tests.fixtures import rule, rule_end

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 24)


@pytest.fixture
def rules(brands):
    return {
        "default": rule(percent="1"),
        "diesel": rule(fuel="diesel", percent="2"),
        "toyota": rule(brands["toyota"], percent="3"),
        "toyota_diesel": rule(
            brands["toyota"],
            fuel="diesel",
            percent="-8",
            valid_from=date(2026, 10, 1),
            valid_to=date(2026, 12, 31),
        ),
    }


@pytest.mark.parametrize(
    ("brand", "fuel", "expected", "level"),
    [
        ("Toyota", "diesel", "toyota_diesel", "brand+fuel"),
        ("Toyota", "petrol", "toyota", "brand"),
        ("Volkswagen", "diesel", "diesel", "fuel"),
        ("Volkswagen", "petrol", "default", "default"),
    ],
)
def test_pricing_rule_resolve_picks_most_specific_rule(rules, brand, fuel, expected, level):
    resolution = pricing_rule_resolve(brand=brand, fuel=fuel, on=DAY)

    assert resolution.rule.id == rules[expected].pk
    assert resolution.level == level
    assert f"Rule #{rules[expected].pk}" in resolution.reason


def test_pricing_rule_resolve_ignores_rule_outside_its_period(rules):
    assert (
        pricing_rule_resolve(brand="Toyota", fuel="diesel", on=date(2027, 1, 1)).rule.id
        == rules["toyota"].pk
    )
    assert (
        pricing_rule_resolve(brand="Toyota", fuel="diesel", on=date(2026, 12, 31)).rule.id
        == rules["toyota_diesel"].pk
    )


def test_pricing_rule_resolve_ignores_inactive_rule(brands):
    rule(brands["toyota"], percent="3", is_active=False)

    resolution = pricing_rule_resolve(brand="Toyota", fuel="diesel", on=DAY)

    assert (resolution.rule, resolution.adjustment_percent, resolution.level) == (None, 0, "none")


@pytest.mark.parametrize("written", ["VW", " vw ", "volkswagen", "VOLKSWAGEN", "Volkswagen "])
def test_brand_find_matches_aliases_ignoring_case_and_spaces(brands, written):
    assert brand_find(name=written) == (brands["volkswagen"].pk, "Volkswagen")


def test_brand_find_ignores_accents(brands):
    assert (
        brand_find(name="citroen")
        == brand_find(name="CITROËN")
        == (brands["citroen"].pk, "Citroën")
    )


def test_pricing_rule_resolve_falls_back_and_says_so_when_brand_unknown(rules):
    resolution = pricing_rule_resolve(brand="Lada", fuel="diesel", on=DAY)

    assert resolution.rule.id == rules["diesel"].pk
    assert resolution.brand_known is False
    assert "'Lada' is not in the catalogue" in resolution.reason


@pytest.mark.parametrize(
    ("written", "fuel"),
    [("gasoline", "petrol"), ("Petrol", "petrol"), ("LPG", "lpg_cng"), ("electric", "electric")],
)
def test_pricing_rule_resolve_reads_fuel_synonyms(rules, written, fuel):
    assert pricing_rule_resolve(brand=None, fuel=written, on=DAY).fuel == fuel


def test_pricing_rule_resolve_refuses_unknown_fuel(rules):
    with pytest.raises(ApplicationError) as raised:
        pricing_rule_resolve(brand=None, fuel="steam", on=DAY)

    assert raised.value.code == "unknown_fuel"


def test_pricing_rule_resolve_reads_no_table_when_warm(rules, django_assert_num_queries):
    pricing_rule_resolve(brand="VW", fuel="diesel", on=DAY)

    with django_assert_num_queries(0):
        pricing_rule_resolve(brand="Toyota", fuel="diesel", on=DAY)


def test_pricing_rule_resolve_sees_rule_changes(rules, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    assert pricing_rule_resolve(brand="Toyota", fuel="petrol", on=today).adjustment_percent == 3
    with django_capture_on_commit_callbacks(execute=True):
        rule_end(rules["toyota"], last_day=today - timedelta(days=1))

    assert pricing_rule_resolve(brand="Toyota", fuel="petrol", on=today).adjustment_percent == 1
