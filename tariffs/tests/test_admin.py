"""The tariff's admin: rules approved with their impact, tariff versions, stored quotes."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from pricing_site.admin import EstimatedCountPaginator
from strategies.models import PricingRule
from strategies.selectors import brand_find, pricing_rule_resolve
from strategies.tests.fixtures import rule, rule_form
from tariffs.admin import quotes as quotes_admin
from tariffs.models import Quote, TariffVersion
from zipcodes.services import zipcode_load_csv

pytestmark = pytest.mark.django_db


def test_admin_refuses_to_approve_an_overlapping_rule_in_plain_words(editor, second_editor, brands):
    existing = rule(
        brands["toyota"],
        fuel="diesel",
        percent="-8",
        valid_from=date(2026, 10, 1),
        valid_to=date(2026, 12, 31),
    )
    editor.post(reverse("admin:strategies_pricingrule_add"), rule_form(brands["toyota"]))
    draft = PricingRule.objects.exclude(pk=existing.pk).get()

    response = second_editor.post(
        reverse("admin:strategies_pricingrule_approve", args=[draft.pk]),
        {"reason": "Replaces the autumn rule."},
        follow=True,
    )

    assert f"Another active rule for Toyota + Diesel (rule #{existing.pk}" in response.text
    assert PricingRule.objects.get(pk=draft.pk).state == "draft"


def test_approve_page_of_an_approved_rule_says_so_and_approves_nothing_again(editor, brands):
    approved = rule(brands["toyota"], fuel="diesel", percent="-8")

    response = editor.get(
        reverse("admin:strategies_pricingrule_approve", args=[approved.pk]), follow=True
    )

    assert f"Rule #{approved.pk} is already approved." in response.text
    assert "was not simulated" not in response.text
    assert response.redirect_chain[-1][0].endswith(f"/pricingrule/{approved.pk}/change/")


def test_approve_page_of_an_approved_tariff_version_says_so(editor, tariff):
    response = editor.get(
        reverse("admin:tariffs_tariffversion_approve", args=[tariff.pk]), follow=True
    )

    assert f"Tariff version {tariff.pk} is already approved." in response.text
    assert "was not simulated" not in response.text


def test_admin_tariff_versions_cannot_be_edited(editor, tariff):
    response = editor.get(reverse("admin:tariffs_tariffversion_change", args=[tariff.pk]))

    assert 'name="policy_fee"' not in response.text


@pytest.fixture
def quotes(production_tariff, demo_history, tariff, brands, django_capture_on_commit_callbacks):
    from tariffs.services import QuoteRequest, premium_quote

    with django_capture_on_commit_callbacks(execute=True):
        zipcode_load_csv(lines=["1000,C", "9000,B"])

    def quote(zipcode, brand, day):
        return premium_quote(
            request=QuoteRequest(
                zipcode=zipcode,
                brand=brand,
                fuel="diesel",
                power_kw=85,
                vehicle_age=3,
                driver_age=35,
                bonus_malus=2,
                coverage="TPL",
                use="private",
                fleet=False,
                date=day,
            )
        )

    return [
        quote(1000, "Toyota", date(2026, 11, 2)),
        quote(9000, "Volkswagen", date(2026, 11, 3)),
    ]


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("id", 0),
        ("9000", 1),
        ("volkswagen", 1),
        ("VW", 1),
        ("TOYOTA", 0),
        ("02/11/2026", 0),
        ("2026-11-03", 1),
        ("03/11/2026 - 30/11/2026", 1),
        ("01/11/2026..02/11/2026", 0),
    ],
)
def test_quotes_are_searched_by_id_zipcode_brand_and_date(admin_client, quotes, term, found):
    term = str(quotes[0].pk) if term == "id" else term

    page = admin_client.get(reverse("admin:tariffs_quote_changelist"), {"q": term}).text

    assert f"/admin/tariffs/quote/{quotes[found].pk}/" in page
    assert f"/admin/tariffs/quote/{quotes[1 - found].pk}/" not in page


def test_quotes_are_filtered_by_the_risk_classes_of_the_zipcode_table(admin_client, quotes):
    changelist = reverse("admin:tariffs_quote_changelist")

    page = admin_client.get(changelist, {"risk_class": "B"}).text

    assert all(f"?risk_class={code}" in page for code in "ABC")
    assert f"/admin/tariffs/quote/{quotes[1].pk}/" in page
    assert f"/admin/tariffs/quote/{quotes[0].pk}/" not in page


def test_a_long_quote_list_shows_the_databases_estimate_not_an_exact_count(
    admin_client, quotes, monkeypatch
):
    changelist = reverse("admin:tariffs_quote_changelist")
    assert "estimated-count" not in admin_client.get(changelist).text

    monkeypatch.setattr(EstimatedCountPaginator, "EXACT_COUNT_LIMIT", 1)
    page = admin_client.get(changelist).text

    assert 'id="estimated-count">about ' in page
    assert f"/admin/tariffs/quote/{quotes[0].pk}/" in page


def test_erasing_more_quotes_at_once_than_one_request_needs_is_refused(
    admin_client, quotes, monkeypatch
):
    monkeypatch.setattr(quotes_admin, "ERASED_AT_ONCE", 1)

    page = admin_client.post(
        reverse("admin:tariffs_quote_changelist"),
        {"action": "erase_personal_data", "_selected_action": [q.pk for q in quotes]},
        follow=True,
    ).text

    assert "Select at most 1 quotes to erase at once." in page
    assert not Quote.objects.filter(anonymised_at__isnull=False).exists()


def test_a_stored_quote_cannot_be_deleted_from_the_admin(admin_client, quotes):
    delete = reverse("admin:tariffs_quote_delete", args=[quotes[0].pk])

    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Quote.objects.filter(pk=quotes[0].pk).exists()


def test_new_tariff_version_starts_from_the_one_chosen_and_takes_the_loading_in_percent(
    editor, tariff
):
    add = reverse("admin:tariffs_tariffversion_add")
    form = editor.get(add, {"from": tariff.pk}).text

    assert 'name="loading_percent" value="25.0' in form
    assert 'name="policy_fee" value="25.00"' in form
    assert "Saving creates a new tariff version" in form
    assert 'name="state"' not in form  # approved once its impact is seen, never from the form

    response = editor.post(
        add,
        {
            "valid_from": "01/01/2027",
            "reference_base_year": "2013",
            "reference_month": "01/01/2025",
            "loading_percent": "27,5",
            "policy_fee": "25,00",
            "minimum_premium": "150,00",
            "state": "approved",  # a crafted form cannot skip the approval either
            "note": "",
        },
        headers={"accept-language": "nl"},
    )

    assert response.status_code == 302
    newer = TariffVersion.objects.latest("pk")
    assert (newer.commercial_loading, newer.state) == (Decimal("0.275"), "draft")


def test_tariff_list_marks_the_version_in_force_and_shows_euros_the_belgian_way(editor, tariff):
    page = editor.get(
        reverse("admin:tariffs_tariffversion_changelist"), headers={"accept-language": "nl"}
    ).text

    assert "€\u00a0150,00" in page  # one line: a non-breaking space
    assert "25,0\u00a0%" in page
    assert 'alt="True"' in page  # the version in force today


def test_quote_page_shows_the_breakdown_as_a_table_and_a_readable_frequency(admin_client, quotes):
    page = admin_client.get(reverse("admin:tariffs_quote_change", args=[quotes[0].pk])).text

    stored = page.split('<table id="breakdown">')[1].split("</table>")[0]
    assert "<th>Explanation</th>" in stored
    assert stored.count("<tr><td>") == len(quotes[0].breakdown)
    assert f"{quotes[0].frequency:.4f}" in page
    assert repr(quotes[0].frequency) not in page


def test_quote_page_reproduces_the_quote_and_prices_it_with_todays_tables(admin_client, quotes):
    page = admin_client.get(reverse("admin:tariffs_quote_change", args=[quotes[0].pk])).text

    reproduced = page.split('<p id="reproduced">')[1].split("</p>")[0]
    assert f"€\u00a0{quotes[0].premium}" in reproduced
    assert "equals the stored premium" in reproduced
    assert '<table id="breakdown-today">' in page


def test_admin_alias_is_recognised_by_quotes_at_once(
    editor, brands, django_capture_on_commit_callbacks
):
    citroen = brands["citroen"]
    assert brand_find(name="Citroen DS") is None

    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            reverse("admin:strategies_brand_change", args=[citroen.pk]),
            {
                "name": "Citroën",
                "aliases-TOTAL_FORMS": "1",
                "aliases-INITIAL_FORMS": "0",
                "aliases-0-brand": citroen.pk,
                "aliases-0-alias": "Citroën DS",
            },
        )

    assert response.status_code == 302
    assert brand_find(name="citroen ds") == (citroen.pk, "Citroën")
    assert citroen.aliases.get().history.get().history_user.username == "editor"


def test_admin_deletes_a_draft_rule_but_never_an_approved_one(
    admin_client, brands, django_capture_on_commit_callbacks
):
    toyota = rule(brands["toyota"], fuel="diesel", percent="-8")
    draft = rule(brands["toyota"], fuel="petrol", percent="-5", state="draft")
    on = date(2026, 6, 1)

    with django_capture_on_commit_callbacks(execute=True):
        refused = admin_client.post(
            reverse("admin:strategies_pricingrule_delete", args=[toyota.pk]), {"post": "yes"}
        )
        admin_client.post(
            reverse("admin:strategies_pricingrule_delete", args=[draft.pk]), {"post": "yes"}
        )

    assert refused.status_code == 403
    assert list(PricingRule.objects.values_list("pk", flat=True)) == [toyota.pk]
    assert pricing_rule_resolve(brand="Toyota", fuel="diesel", on=on).adjustment_percent == -8


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("/admin/strategies/quote/7/change/", "/admin/tariffs/quote/7/change/"),
        ("/admin/strategies/tariffversion/?q=1", "/admin/tariffs/tariffversion/?q=1"),
        ("/admin/zipcodes/zoningproposal/3/change/", "/admin/tariffs/zoningproposal/3/change/"),
        ("/admin/mlmodels/tariffevaluation/", "/admin/tariffs/tariffevaluation/"),
    ],
)
def test_the_former_admin_address_of_a_moved_model_redirects_to_its_new_one(
    admin_client, before, after
):
    response = admin_client.get(before)

    assert (response.status_code, response["Location"]) == (301, after)
