"""Tariff versions (in force from their date, never changed) and the tables file of the prices
in force, loaded whole or not at all."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from pricing_site.exceptions import ApplicationError
from strategies.models import Brand, PricingRule
from strategies.selectors import brand_find
from tariffs.models import TariffVersion
from tariffs.selectors import tariff_get_current
from tariffs.services import tariff_tables_load, tariff_version_create

pytestmark = pytest.mark.django_db

DEMO_TABLES = Path(settings.BASE_DIR) / "fixtures" / "strategies.json"


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


def test_tariff_tables_load_adds_the_demo_tables_once(db):
    tables = json.loads(DEMO_TABLES.read_text())

    first = tariff_tables_load(tables=tables)
    again = tariff_tables_load(tables=tables)

    assert (first.brands, first.aliases, first.rules, first.tariff_versions) == (9, 5, 4, 1)
    assert (again.brands, again.aliases, again.rules, again.tariff_versions) == (0, 0, 0, 0)
    assert brand_find(name="Mercedes")[1] == "Mercedes-Benz"


def test_tariff_tables_load_writes_nothing_when_one_rule_is_refused(db):
    tables = {
        "brands": [{"name": "Toyota"}],
        "rules": [
            {"brand": "Toyota", "adjustment_percent": "-5", "valid_from": "2026-01-01"},
            {"brand": "Toyota", "adjustment_percent": "50", "valid_from": "2027-01-01"},
        ],
    }

    with pytest.raises(ApplicationError, match="Nothing was loaded") as raised:
        tariff_tables_load(tables=tables)

    assert raised.value.code == "invalid_tables"
    assert not Brand.objects.exists()
    assert not PricingRule.objects.exists()


def test_load_strategies_command_says_what_it_added(db):
    out = StringIO()

    call_command("load_strategies", str(DEMO_TABLES), stdout=out)

    assert (
        "Added 9 brands, 5 aliases, 4 rules, 3 fuel mappings and 1 tariff versions."
        in out.getvalue()
    )


def test_load_strategies_command_refuses_a_file_in_another_layout(tmp_path):
    bad = tmp_path / "tables.json"
    bad.write_text('{"rules": [{"brand": "Lada"}]}')

    with pytest.raises(CommandError, match="not in the expected layout"):
        call_command("load_strategies", str(bad))
