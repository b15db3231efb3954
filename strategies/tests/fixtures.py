"""Test data of the strategies app: brands, rules and a tariff made through the models."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from strategies.models import Brand, BrandAlias, DraftState, PricingRule, TariffVersion
from strategies.services import (
    brand_alias_save,
    brand_save,
    pricing_rule_save,
    tariff_version_create,
)
from zipcodes.services import zipcode_file_lines, zipcode_load_csv


@pytest.fixture
def brands(db):
    volkswagen = brand_save(brand=Brand(name="Volkswagen"))
    brand_alias_save(alias=BrandAlias(brand=volkswagen, alias="VW"))
    return {
        "volkswagen": volkswagen,
        "toyota": brand_save(brand=Brand(name="Toyota")),
        "citroen": brand_save(brand=Brand(name="Citroën")),
    }


def rule(
    brand=None,
    fuel="",
    percent="0",
    valid_from=date(2026, 1, 1),
    valid_to=None,
    state=DraftState.APPROVED,
    **kwargs,
):
    return pricing_rule_save(
        rule=PricingRule(
            brand=brand,
            fuel=fuel,
            adjustment_percent=Decimal(percent),
            valid_from=valid_from,
            valid_to=valid_to,
            state=state,
            **kwargs,
        )
    )


@pytest.fixture
def tariff(db):
    return tariff_version_create(
        version=TariffVersion(
            reference_base_year=2013,
            reference_month=date(2025, 1, 1),
            commercial_loading=Decimal("0.250"),
            policy_fee=Decimal("25.00"),
            minimum_premium=Decimal("150.00"),
            valid_from=date(2025, 1, 1),
            state=DraftState.APPROVED,
        )
    )


QUOTE = {
    "zipcode": 1000,
    "vehicle": {"brand": "Toyota", "fuel": "diesel", "power_kw": 85, "age": 3},
    "driver": {"age": 35, "bonus_malus": 2},
    "coverage": "TPL",
    "use": "private",
    "fleet": False,
}


@pytest.fixture
def quoting(production_tariff, demo_history, tariff, brands, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        zipcode_load_csv(lines=["1000,C"])
    rule(brands["toyota"], fuel="diesel", percent="-8")
    return brands


@pytest.fixture
def editor(client):
    """The test client logged in as a member of the pricing editors."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("editor", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="pricing editors"))
    client.force_login(user)
    return client


@pytest.fixture
def book(production_tariff, demo_history, tariff, dataset, django_capture_on_commit_callbacks):
    """The generated portfolio with today's tables: every Belgian postcode, a 0 % default rule."""
    lines = zipcode_file_lines((Path(settings.BASE_DIR) / "fixtures" / "zipcodes.csv").read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        zipcode_load_csv(lines=lines)
        rule(percent="0")
    return dataset
