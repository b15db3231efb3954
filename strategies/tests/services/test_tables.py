"""The table services: validation, who changed what, caches cleared on commit, the demo loader."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from pricing_site.exceptions import ApplicationError
from strategies.models import Brand, BrandAlias, PricingRule, TariffVersion
from strategies.selectors import brand_find, pricing_rule_resolve, tariff_get_current
from strategies.services import (
    brand_alias_save,
    brand_save,
    pricing_rule_save,
    strategies_load,
    tariff_version_create,
)
from strategies.tests.fixtures import rule

pytestmark = pytest.mark.django_db

DEMO_TABLES = Path(settings.BASE_DIR) / "fixtures" / "strategies.json"


def test_brand_save_derives_the_normalized_name(db):
    brand = brand_save(brand=Brand(name="  Škoda   Auto "))

    assert (brand.name, brand.normalized) == ("Škoda Auto", "skoda auto")


def test_brand_save_refuses_a_name_that_is_another_brands_alias(brands):
    with pytest.raises(ValidationError, match="already an alias of Volkswagen"):
        brand_save(brand=Brand(name="vw"))

    assert not Brand.objects.filter(name="vw").exists()


def test_brand_alias_save_is_resolved_at_once(brands, django_capture_on_commit_callbacks):
    assert brand_find(name="Citroen DS") is None
    with django_capture_on_commit_callbacks(execute=True):
        brand_alias_save(alias=BrandAlias(brand=brands["citroen"], alias="Citroën DS"))

    assert brand_find(name="citroen ds") == (brands["citroen"].pk, "Citroën")


def test_pricing_rule_save_records_who_and_clears_the_cached_rules(
    brands, django_capture_on_commit_callbacks
):
    editor = User.objects.create_user("editor")
    toyota = rule(brands["toyota"], fuel="diesel", percent="-8")
    assert (
        pricing_rule_resolve(brand="Toyota", fuel="diesel", on=date(2026, 6, 1)).rule.id
        == toyota.pk
    )

    toyota.adjustment_percent = Decimal("-10")
    with django_capture_on_commit_callbacks(execute=True):
        pricing_rule_save(rule=toyota, changed_by=editor)

    resolution = pricing_rule_resolve(brand="Toyota", fuel="diesel", on=date(2026, 6, 1))
    assert resolution.adjustment_percent == Decimal("-10")
    assert toyota.changed_by == editor
    assert [state.adjustment_percent for state in toyota.history.all()] == [
        Decimal("-10"),
        Decimal("-8"),
    ]


def test_pricing_rule_save_refuses_an_overlapping_rule(brands):
    rule(brands["toyota"], fuel="diesel", valid_from=date(2026, 1, 1))

    with pytest.raises(ValidationError, match="Another active rule for Toyota"):
        rule(brands["toyota"], fuel="diesel", valid_from=date(2026, 6, 1))

    assert PricingRule.objects.count() == 1


def test_tariff_version_create_is_in_force_from_its_date(
    tariff, django_capture_on_commit_callbacks
):
    assert tariff_get_current(on=date(2026, 6, 1)).id == tariff.pk
    newer = TariffVersion(
        reference_base_year=2013,
        reference_month=date(2026, 1, 1),
        commercial_loading=Decimal("0.200"),
        policy_fee=Decimal("30.00"),
        minimum_premium=Decimal("150.00"),
        valid_from=date(2026, 3, 1),
        state="approved",
    )
    with django_capture_on_commit_callbacks(execute=True):
        tariff_version_create(version=newer)

    assert tariff_get_current(on=date(2026, 6, 1)).id == newer.pk
    assert tariff_get_current(on=date(2026, 2, 1)).id == tariff.pk


def test_tariff_version_create_never_changes_a_stored_version(tariff):
    tariff.policy_fee = Decimal("99.00")

    with pytest.raises(ApplicationError) as raised:
        tariff_version_create(version=tariff)

    assert raised.value.code == "tariff_version_immutable"
    tariff.refresh_from_db()
    assert tariff.policy_fee == Decimal("25.00")


def test_strategies_load_adds_the_demo_tables_once(db):
    tables = json.loads(DEMO_TABLES.read_text())

    first = strategies_load(tables=tables)
    again = strategies_load(tables=tables)

    assert (first.brands, first.aliases, first.rules, first.tariff_versions) == (9, 5, 4, 1)
    assert (again.brands, again.aliases, again.rules, again.tariff_versions) == (0, 0, 0, 0)
    assert brand_find(name="Mercedes")[1] == "Mercedes-Benz"


def test_strategies_load_writes_nothing_when_one_rule_is_refused(db):
    tables = {
        "brands": [{"name": "Toyota"}],
        "rules": [
            {"brand": "Toyota", "adjustment_percent": "-5", "valid_from": "2026-01-01"},
            {"brand": "Toyota", "adjustment_percent": "50", "valid_from": "2027-01-01"},
        ],
    }

    with pytest.raises(ApplicationError, match="Nothing was loaded") as raised:
        strategies_load(tables=tables)

    assert raised.value.code == "invalid_tables"
    assert not Brand.objects.exists()
    assert not PricingRule.objects.exists()


def test_load_strategies_command_says_what_it_added(db):
    out = StringIO()

    call_command("load_strategies", str(DEMO_TABLES), stdout=out)

    assert "Added 9 brands, 5 aliases, 4 rules and 1 tariff versions." in out.getvalue()


def test_load_strategies_command_refuses_a_file_in_another_layout(tmp_path):
    bad = tmp_path / "tables.json"
    bad.write_text('{"rules": [{"brand": "Lada"}]}')

    with pytest.raises(CommandError, match="not in the expected layout"):
        call_command("load_strategies", str(bad))
