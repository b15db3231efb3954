"""The strategies admin: overlap refusal in words, the preview, brands with aliases."""

from datetime import date

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from strategies.models import PricingRule
from strategies.tests.fixtures import rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = User.objects.create_user("editor", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="pricing editors"))
    client.force_login(user)
    return client


def rule_form(brand, **changes):
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


def test_admin_refuses_overlapping_rule_in_plain_words(editor, brands):
    existing = rule(
        brands["toyota"],
        fuel="diesel",
        percent="-8",
        valid_from=date(2026, 10, 1),
        valid_to=date(2026, 12, 31),
    )

    response = editor.post(reverse("admin:strategies_pricingrule_add"), rule_form(brands["toyota"]))

    assert response.status_code == 200
    assert f"Another active rule for Toyota + Diesel (rule #{existing.pk}" in response.text
    assert PricingRule.objects.count() == 1


def test_admin_adds_valid_rule_and_records_who(editor, brands):
    response = editor.post(reverse("admin:strategies_pricingrule_add"), rule_form(brands["toyota"]))

    assert response.status_code == 302
    created = PricingRule.objects.get()
    assert created.changed_by.username == "editor"
    assert created.history.first().history_user.username == "editor"


def test_admin_preview_shows_which_rule_applies(editor, brands):
    toyota = rule(brands["toyota"], percent="3")

    response = editor.get(
        reverse("admin:strategies_pricingrule_preview"),
        {"brand": "toyota", "fuel": "petrol", "date": "2026-11-24"},
    )

    assert f"Rule #{toyota.pk}" in response.text


def test_admin_tariff_versions_cannot_be_edited(editor, tariff):
    response = editor.get(reverse("admin:strategies_tariffversion_change", args=[tariff.pk]))

    assert 'name="policy_fee"' not in response.text
