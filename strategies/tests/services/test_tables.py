"""The table services: validation, who changed what, caches cleared on commit."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from strategies.models import Brand, BrandAlias, DraftState, PricingRule
from strategies.selectors import brand_find
from strategies.services import (
    brand_alias_save,
    brand_save,
    pricing_rule_save,
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


def test_pricing_rule_save_records_who_changed_a_draft_and_keeps_its_history(brands):
    editor = User.objects.create_user("editor")
    toyota = rule(brands["toyota"], fuel="diesel", percent="-8", state=DraftState.DRAFT)

    toyota.adjustment_percent = Decimal("-10")
    pricing_rule_save(rule=toyota, changed_by=editor)

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
