"""Test data of the tariff: a version in force, the quote's world, the generated book."""

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from mlmodels.services import dataset_create
from mlmodels.synthetic import portfolio_generate
from strategies.models import DraftState
from strategies.tests.fixtures import rule
from tariffs.models import ImpactAnalysis, TariffVersion
from tariffs.services import QuoteRequest, tariff_version_create
from zipcodes.services import zipcode_file_lines, zipcode_load_csv


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
def book(production_tariff, demo_history, tariff, dataset, django_capture_on_commit_callbacks):
    """The generated portfolio with today's tables: every Belgian postcode, a 0 % default rule."""
    lines = zipcode_file_lines((Path(settings.BASE_DIR) / "fixtures" / "zipcodes.csv").read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        zipcode_load_csv(lines=lines)
        rule(percent="0")
    return dataset


@pytest.fixture
def real_table(settings, django_capture_on_commit_callbacks):
    """Today's zone table: every Belgian postcode of the fixture."""
    with (
        open(settings.BASE_DIR / "fixtures" / "zipcodes.csv", encoding="utf-8") as file,
        django_capture_on_commit_callbacks(execute=True),
    ):
        zipcode_load_csv(lines=file)


@pytest.fixture
def portfolio_dataset(db):
    """A generated portfolio large enough to derive zones from."""
    content = portfolio_generate(rows=8000, seed=5).to_csv(index=False).encode()
    return dataset_create(content=content, name="portfolio.csv")[0]


def quote_request(**changes) -> QuoteRequest:
    """A Toyota diesel in Brussels, its driver 35 and at bonus-malus 2, as a quote asks for it."""
    values = {
        "zipcode": 1000,
        "brand": "toyota",
        "fuel": "diesel",
        "power_kw": 85,
        "vehicle_age": 3,
        "driver_age": 35,
        "bonus_malus": 2,
        "coverage": "TPL",
        "use": "private",
        "fleet": False,
        "date": date(2026, 11, 24),
    }
    return QuoteRequest(**{**values, **changes})


def staff_member(username: str):
    """A pricing editor and model manager: drafts, and approves what others draft."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(username, is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=["pricing editors", "model managers"]))
    return user


@pytest.fixture
def anna(db):
    return staff_member("anna")


@pytest.fixture
def bruno(db):
    return staff_member("bruno")


def impact_analysed(scenario: dict[str, Any], dataset) -> ImpactAnalysis:
    """A finished impact analysis of *scenario*, as an approval page shows it."""
    return ImpactAnalysis.objects.create(
        dataset=dataset,
        on=date(2026, 11, 24),
        scenario=scenario,
        state=ImpactAnalysis.State.DONE,
        result={
            "policies": 1000,
            "total_before": "500000.00",
            "total_after": "487500.00",
            "change_percent": "-2.50",
            "moved_more_than": {"5": 300, "10": 120, "25": 0},
        },
    )
