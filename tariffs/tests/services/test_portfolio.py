"""The portfolio engine: the quote's premium, to the cent, for a whole book at once."""

import random
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from strategies.tests.fixtures import rule
from tariffs.services import QuoteRequest, portfolio_price, pricing_tables_current, quote_price
from tariffs.services.portfolio import STEPS
from zipcodes.services import zipcode_load_csv

pytestmark = pytest.mark.django_db

ON = date(2026, 11, 24)
POLICIES = 10_000


@pytest.fixture
def book(production_tariff, demo_history, tariff, brands, django_capture_on_commit_callbacks):
    """Three zones, rules at every level, and random policies over them."""
    with django_capture_on_commit_callbacks(execute=True):
        zipcode_load_csv(lines=["1000,C", "3000,A", "9000,B"])
        rule(brands["toyota"], fuel="diesel", percent="-8")
        rule(brands["volkswagen"], percent="4.5")
        rule(fuel="petrol", percent="2.25")
        rule(percent="-1")
    rng = random.Random(7)
    return pd.DataFrame(
        {
            "coverage": [rng.choice(["TPL", "TPL+", "TPL++"]) for _ in range(POLICIES)],
            "ageph": [rng.randint(18, 90) for _ in range(POLICIES)],
            "bm": [rng.randint(0, 22) for _ in range(POLICIES)],
            "power": [rng.randint(30, 200) for _ in range(POLICIES)],
            "agec": [rng.randint(0, 25) for _ in range(POLICIES)],
            "fuel": [rng.choice(["gasoline", "diesel"]) for _ in range(POLICIES)],
            "use": [rng.choice(["private", "work"]) for _ in range(POLICIES)],
            "fleet": [rng.randint(0, 1) for _ in range(POLICIES)],
            "postcode": [rng.choice([1000, 3000, 9000]) for _ in range(POLICIES)],
            "brand": [rng.choice(["Toyota", "VW", "Citroën", "", "Lada"]) for _ in range(POLICIES)],
        }
    )


def quoted(policy: pd.Series) -> list[Decimal]:
    priced = quote_price(
        request=QuoteRequest(
            zipcode=int(policy.postcode),
            brand=policy.brand or None,
            fuel=policy.fuel,
            power_kw=int(policy.power),
            vehicle_age=int(policy.agec),
            driver_age=int(policy.ageph),
            bonus_malus=int(policy.bm),
            coverage=policy.coverage,
            use=policy.use,
            fleet=bool(policy.fleet),
            date=ON,
        )
    )
    return [Decimal(step["amount"]) for step in priced.breakdown]


def test_portfolio_price_equals_the_quote_to_the_cent_at_every_step(book):
    prices = portfolio_price(frame=book, tables=pricing_tables_current(on=ON))

    batch = [
        [Decimal(int(prices.steps[step][policy])).scaleb(-2) for step in STEPS]
        for policy in range(POLICIES)
    ]
    differing = [policy for policy in range(POLICIES) if batch[policy] != quoted(book.iloc[policy])]
    assert differing == []
    assert prices.priced.all()


def test_portfolio_price_applies_the_most_specific_rule_of_each_policy(book):
    prices = portfolio_price(frame=book, tables=pricing_tables_current(on=ON))

    toyota_diesel = ((book.brand == "Toyota") & (book.fuel == "diesel")).to_numpy()
    lada_petrol = ((book.brand == "Lada") & (book.fuel == "gasoline")).to_numpy()
    assert set(prices.adjustment_percent[toyota_diesel]) == {-800}
    assert set(prices.adjustment_percent[lada_petrol]) == {225}  # unknown brand: the fuel rule


def test_portfolio_price_leaves_a_policy_with_an_unknown_postcode_unpriced(book):
    book.loc[0, "postcode"] = 4000

    prices = portfolio_price(frame=book.head(10), tables=pricing_tables_current(on=ON))

    assert list(prices.priced) == [False] + [True] * 9
    assert prices.premium_cents[0] == 0
