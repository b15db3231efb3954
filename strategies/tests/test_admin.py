"""The strategies admin: overlap refusal in words, the preview, brands with aliases."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from strategies.models import PricingRule
from strategies.tests.fixtures import rule, rule_form

pytestmark = pytest.mark.django_db


def test_admin_adds_valid_rule_and_records_who(editor, brands):
    response = editor.post(reverse("admin:strategies_pricingrule_add"), rule_form(brands["toyota"]))

    assert response.status_code == 302
    created = PricingRule.objects.get()
    assert created.changed_by.username == "editor"
    assert created.history.first().history_user.username == "editor"


def test_admin_rule_form_creates_a_draft_even_when_posted_as_approved(editor, brands):
    form = editor.get(reverse("admin:strategies_pricingrule_add")).text
    response = editor.post(
        reverse("admin:strategies_pricingrule_add"),
        rule_form(brands["toyota"], state="approved"),
    )

    assert 'name="state"' not in form
    assert response.status_code == 302
    assert PricingRule.objects.get().state == "draft"


@pytest.mark.parametrize(
    ("language", "typed", "stored"),
    [
        ("nl", "2,5", "2.50"),
        ("fr", "2,5", "2.50"),
        ("en", "2,5", "2.50"),
        ("nl", "2.5", "2.50"),
        ("en", "2.5", "2.50"),
        ("fr", "−2,5 %", "-2.50"),
        ("nl", "-12,75", "-12.75"),
    ],
)
def test_admin_reads_a_rule_adjustment_typed_the_belgian_way(
    editor, brands, language, typed, stored
):
    form = editor.get(
        reverse("admin:strategies_pricingrule_add"), headers={"accept-language": language}
    ).text
    response = editor.post(
        reverse("admin:strategies_pricingrule_add"),
        rule_form(brands["toyota"], adjustment_percent=typed),
        headers={"accept-language": language},
    )

    # A browser's number field drops a decimal comma ("2,5" became 25): a text field it is.
    assert 'type="number" name="adjustment_percent"' not in form
    assert response.status_code == 302
    assert PricingRule.objects.get().adjustment_percent == Decimal(stored)


@pytest.mark.parametrize(("language", "typed"), [("nl", "1,250"), ("fr", "1.250"), ("en", "2,500")])
def test_admin_refuses_an_adjustment_it_would_have_to_guess_and_says_what_to_type(
    editor, brands, language, typed
):
    response = editor.post(
        reverse("admin:strategies_pricingrule_add"),
        rule_form(brands["toyota"], adjustment_percent=typed),
        headers={"accept-language": language},
    )

    assert response.status_code == 200
    assert typed.replace(".", ",") in response.text  # the decimal-comma reading it may mean
    assert not PricingRule.objects.exists()


def test_admin_preview_shows_which_rule_applies(editor, brands):
    toyota = rule(brands["toyota"], percent="3")

    response = editor.get(
        reverse("admin:strategies_pricingrule_preview"),
        {"brand": "toyota", "fuel": "petrol", "date": "2026-11-24"},
    )

    assert f"Rule #{toyota.pk}" in response.text


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
def test_admin_reads_a_typed_date_as_belgians_write_it(editor, brands, language):
    response = editor.post(
        reverse("admin:strategies_pricingrule_add"),
        rule_form(brands["toyota"], valid_from="01/03/2028"),
        headers={"accept-language": language},
    )

    assert response.status_code == 302
    assert PricingRule.objects.get().valid_from == date(2028, 3, 1)


@pytest.mark.parametrize("typed", ["03/01/28", "2028/03/01", "1-3-2028", "03-01-2028"])
def test_admin_refuses_a_date_it_would_have_to_guess(editor, brands, typed):
    response = editor.post(
        reverse("admin:strategies_pricingrule_add"),
        rule_form(brands["toyota"], valid_from=typed),
    )

    assert response.status_code == 200
    assert not PricingRule.objects.exists()


@pytest.mark.parametrize(
    ("language", "shown"),
    [("nl", "<title>Fout: "), ("fr", "<title>Erreur"), ("en", "<title>Error")],
)
def test_admin_speaks_the_language_of_the_browser(editor, brands, language, shown):
    response = editor.post(
        reverse("admin:strategies_pricingrule_add"),
        rule_form(brands["toyota"], valid_from="31/02/2028"),
        headers={"accept-language": language},
    )

    assert f'<html lang="{language}"' in response.text
    assert shown in response.text


def test_admin_shows_dates_day_first_with_a_24_hour_clock(editor, brands):
    rule(brands["toyota"], valid_from=date(2028, 3, 1))

    page = editor.get(reverse("admin:strategies_pricingrule_changelist")).text

    assert "01/03/2028" in page
    assert "March 1, 2028" not in page


def test_rule_form_cannot_add_change_or_delete_the_brand(editor, brands):
    page = editor.get(reverse("admin:strategies_pricingrule_add")).text

    assert 'name="brand"' in page
    assert not any(link in page for link in ("add-related", "change-related", "delete-related"))
