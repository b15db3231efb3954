"""Test data of the strategies app: brands, rules and a tariff made through the models."""

from datetime import date
from decimal import Decimal

import pytest

from strategies.models import Brand, BrandAlias, PricingRule, TariffVersion
from zipcodes.services import zipcode_load_csv


@pytest.fixture
def brands(db):
    volkswagen = Brand.objects.create(name="Volkswagen")
    BrandAlias.objects.create(brand=volkswagen, alias="VW")
    return {
        "volkswagen": volkswagen,
        "toyota": Brand.objects.create(name="Toyota"),
        "citroen": Brand.objects.create(name="Citroën"),
    }


def rule(brand=None, fuel="", percent="0", valid_from=date(2026, 1, 1), valid_to=None, **kwargs):
    created = PricingRule(
        brand=brand,
        fuel=fuel,
        adjustment_percent=Decimal(percent),
        valid_from=valid_from,
        valid_to=valid_to,
        **kwargs,
    )
    created.full_clean()
    created.save()
    return created


@pytest.fixture
def tariff(db):
    return TariffVersion.objects.create(
        reference_base_year=2013,
        reference_month=date(2025, 1, 1),
        commercial_loading=Decimal("0.250"),
        policy_fee=Decimal("25.00"),
        minimum_premium=Decimal("150.00"),
        valid_from=date(2025, 1, 1),
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
