"""Test data of the strategies app: brands and rules made through the services."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from pricing_site.tests.fixtures import approver_get
from strategies.models import Brand, BrandAlias, DraftState, PricingRule
from strategies.services import (
    brand_alias_save,
    brand_save,
    pricing_rule_end_approve,
    pricing_rule_end_propose,
    pricing_rule_save,
)


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


def rule_end(approved, last_day):
    """End *approved* after *last_day*: proposed by one staff member, approved by another."""
    proposer, _ = get_user_model().objects.get_or_create(username="proposer")
    pricing_rule_end_propose(rule=approved, last_day=last_day, proposed_by=proposer)
    return pricing_rule_end_approve(
        rule=approved, approved_by=approver_get(), reason="The campaign is over."
    )


@pytest.fixture
def editor(client):
    """The test client logged in as a member of the pricing editors."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("editor", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="pricing editors"))
    client.force_login(user)
    return client


@pytest.fixture
def second_editor(db):
    """Another member of the pricing editors, in a client of their own: four eyes approve what
    `editor` drafts."""
    from django.contrib.auth.models import Group, User
    from django.test import Client

    user = User.objects.create_user("second-editor", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="pricing editors"))
    client = Client()
    client.force_login(user)
    return client


def rule_form(brand, **changes):
    """What the rule admin's add form posts."""
    return {
        "brand": brand.pk,
        "fuel": "diesel",
        "adjustment_percent": "-5",
        "valid_from": "2026-12-01",
        "valid_to": "",
        "is_active": "on",
        "note": "",
        **changes,
    }
