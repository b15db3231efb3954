"""Rule invariants: bounds and overlapping periods refused by the form check and by PostgreSQL."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from strategies.models import PricingRule
from strategies.tests.fixtures import rule

pytestmark = pytest.mark.django_db


def test_rule_refused_when_adjustment_out_of_bounds(brands):
    with pytest.raises(ValidationError, match="less than or equal to 30"):
        rule(brands["toyota"], percent="50")


def test_rule_refused_when_overlapping_active_rule(brands):
    first = rule(
        brands["toyota"],
        fuel="diesel",
        percent="-8",
        valid_from=date(2026, 10, 1),
        valid_to=date(2026, 12, 31),
    )

    with pytest.raises(ValidationError) as raised:
        rule(brands["toyota"], fuel="diesel", percent="-5", valid_from=date(2026, 12, 1))

    assert f"rule #{first.pk}" in str(raised.value)
    assert "do not overlap" in str(raised.value)


def test_rule_accepted_when_periods_touch_but_do_not_overlap(brands):
    rule(brands["toyota"], fuel="diesel", valid_from=date(2026, 10, 1), valid_to=date(2026, 12, 31))

    rule(brands["toyota"], fuel="diesel", valid_from=date(2027, 1, 1))


def test_rule_accepted_when_overlapping_rule_inactive(brands):
    rule(brands["toyota"], valid_from=date(2026, 1, 1), is_active=False)

    rule(brands["toyota"], valid_from=date(2026, 1, 1))


@pytest.mark.parametrize("brand_name", ["toyota", None])
def test_database_refuses_overlapping_active_rules(brands, brand_name):
    brand = brands[brand_name] if brand_name else None
    rule(brand, fuel="diesel", valid_from=date(2026, 1, 1))

    with pytest.raises(IntegrityError):
        PricingRule.objects.create(
            brand=brand,
            fuel="diesel",
            adjustment_percent=1,
            valid_from=date(2026, 6, 1),
            state="approved",
        )


def test_database_refuses_reversed_period(brands):
    with pytest.raises(IntegrityError):
        PricingRule.objects.create(
            brand=brands["toyota"],
            adjustment_percent=1,
            valid_from=date(2026, 6, 1),
            valid_to=date(2026, 5, 1),
        )
