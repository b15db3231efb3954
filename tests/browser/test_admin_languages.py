"""The admin as Belgian staff use it, in Dutch and in English, in a real browser: every page
reads in the staff member's language and types and shows dates the Belgian way."""

from datetime import date
from decimal import Decimal
from importlib import import_module
from pathlib import Path

import openpyxl
import pytest
from django.apps import apps

from indices.models import HealthIndexFetch
from mlmodels.models import ModelVersion
from mlmodels.services import model_version_train
from mlmodels.tests.fixtures import promote
from strategies.models import Brand, PricingRule
from strategies.services import brand_save
from strategies.tests.fixtures import rule
from tariffs.models import TariffVersion
from tariffs.services import QuoteRequest, premium_quote
from zipcodes.models import Zipcode
from zipcodes.services import zipcode_file_lines, zipcode_load_csv

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What staff read on the page, in each language (ours from locale/, the rest Django's own).
SAYS = {
    "en": {
        "header": "Motor insurance pricing",
        "invalid_date": "Enter a valid date.",
        "separated": "Columns were separated by ';'.",
        "created": "1 created",
        "nothing_imported": "Nothing was imported.",
        "unknown_class": "Unknown risk class 'Z'",
        "worse": "scores worse than version",
        "not_found": "Page not found",
        "no_version": "There is no model version 999.",
        "breakdown": ["Step", "Explanation", "Amount", "Used"],
        "first_step": "Expected claim cost",
        "new_version": "New version from this one",
        "creates_version": "Saving creates a new tariff version",
        "loading": "25.0",
        "fetch_queued": "Fetch from Statbel queued",
        "done": "Done",
        "base": "Base 2013 = 100",
        "diesel_group": "By fuel",
        "four_eyes": "(four eyes)",
    },
    "nl": {
        "header": "Tarifering autoverzekering",
        "invalid_date": "Voer een geldige datum in.",
        "separated": "Kolommen waren gescheiden door ';'.",
        "created": "1 aangemaakt",
        "nothing_imported": "Er werd niets geïmporteerd.",
        "unknown_class": "Onbekende risicoklasse 'Z'",
        "worse": "scoort slechter dan versie",
        "not_found": "Pagina niet gevonden",
        "no_version": "Er is geen modelversie 999.",
        "breakdown": ["Stap", "Uitleg", "Bedrag", "Gebruikt"],
        "first_step": "Verwachte schadekost",
        "new_version": "Nieuwe versie op basis van deze",
        "creates_version": "Bewaren maakt een nieuwe tariefversie aan",
        "loading": "25,0",
        "fetch_queued": "Ophaling bij Statbel ingepland",
        "done": "Klaar",
        "base": "Basis 2013 = 100",
        "diesel_group": "Per brandstof",
        "four_eyes": "(vierogenprincipe)",
    },
}


@pytest.fixture(params=["nl", "en"])
def language(request):
    return request.param


@pytest.fixture
def says(language):
    return SAYS[language]


@pytest.fixture
def zipcodes():
    # A flush after an earlier transactional test removed the risk classes the migration made.
    import_module("zipcodes.migrations.0002_risk_classes").create_risk_classes(apps, None)
    zipcode_load_csv(lines=["zipcode,risk_class,municipality", "9000,B,Gent", "1000,C,Brussel"])


def test_header_names_the_site_and_view_site_opens_the_api_docs(staff_page, says):
    assert staff_page.inner_text("#site-name") == says["header"]
    assert staff_page.get_attribute("#user-tools a[href='/api/docs/']", "href") == "/api/docs/"


def test_rule_start_typed_day_first_is_stored_as_typed_and_an_ambiguous_one_refused(
    staff_page, live_server, says
):
    brand_save(brand=Brand(name="Toyota"))
    staff_page.goto(f"{live_server.url}/admin/strategies/pricingrule/add/")
    staff_page.select_option("select[name=brand]", label="Toyota")
    staff_page.fill("input[name=adjustment_percent]", "-5")

    staff_page.fill("input[name=valid_from]", "03/01/28")  # which century? refused, not guessed
    staff_page.click("input[name=_save]")
    assert says["invalid_date"] in staff_page.inner_text(".errorlist")
    assert not PricingRule.objects.exists()

    staff_page.fill("input[name=valid_from]", "01/03/2028")
    staff_page.click("input[name=_save]")
    staff_page.wait_for_selector(".messagelist .success")

    assert PricingRule.objects.get().valid_from == date(2028, 3, 1)
    assert "01/03/2028" in staff_page.inner_text("#result_list")


def import_zipcodes(page, live_server, path) -> None:
    page.goto(f"{live_server.url}/admin/zipcodes/zipcode/import-csv/")
    page.set_input_files("input[name=file]", str(path))
    page.click("input[name=import]")


def test_zipcode_import_reads_a_semicolon_csv_and_an_xlsx(
    staff_page, live_server, zipcodes, tmp_path, says
):
    semicolons = tmp_path / "zipcodes.csv"
    semicolons.write_text("zipcode;risk_class;municipality\n9000;A;Gent\n8000;B;Brugge\n")
    import_zipcodes(staff_page, live_server, semicolons)
    message = staff_page.inner_text(".messagelist .success")
    assert says["created"] in message
    assert says["separated"] in message

    workbook = openpyxl.Workbook()
    workbook.active.append(["zipcode", "risk_class", "municipality"])
    workbook.active.append([1000, "A", "Brussel"])
    workbook.save(tmp_path / "zipcodes.xlsx")
    import_zipcodes(staff_page, live_server, tmp_path / "zipcodes.xlsx")
    staff_page.wait_for_selector(".messagelist .success")

    assert dict(Zipcode.objects.values_list("code", "risk_class_id")) == {
        1000: "A",
        8000: "B",
        9000: "A",
    }


def test_zipcode_import_with_a_bad_line_names_it_and_changes_nothing(
    staff_page, live_server, zipcodes, tmp_path, says
):
    upload = tmp_path / "zipcodes.csv"
    upload.write_text("zipcode,risk_class\n9000,A\n9001,Z\n")

    import_zipcodes(staff_page, live_server, upload)

    assert says["nothing_imported"] in staff_page.inner_text(".errornote")
    assert staff_page.inner_text("#import-errors tbody td") == "3"
    assert says["unknown_class"] in staff_page.inner_text("#import-errors")
    assert Zipcode.objects.get(code=9000).risk_class_id == "B"


def test_promoting_a_worse_candidate_is_warned_in_red_before_the_second_click(
    staff_page, live_server, dataset, says
):
    production = promote(
        model_version_train(dataset=dataset, task="claim_frequency", estimator="glm")
    )
    # One boosting iteration: close to a constant, clearly worse than the GLM.
    worse = model_version_train(
        dataset=dataset,
        task="claim_frequency",
        estimator="hist_gradient_boosting",
        params={"max_iter": 1},
    )

    staff_page.goto(f"{live_server.url}/admin/mlmodels/modelversion/{worse.pk}/change/")
    staff_page.click("#promote-button")
    warning = staff_page.locator("#worse-warning")
    assert says["worse"] in warning.inner_text()
    red, green, blue = rgb(warning.evaluate("element => getComputedStyle(element).color"))
    assert red > 2 * max(green, blue)  # the error colour of the admin: red
    assert ModelVersion.objects.get(pk=production.pk).is_production

    staff_page.fill("#approval-reason", "Known to be worse: tried on purpose.")
    staff_page.click("#confirm-promotion")
    staff_page.wait_for_selector(".messagelist .success")
    assert ModelVersion.objects.get(pk=worse.pk).is_production


def rgb(css: str) -> tuple[int, int, int]:
    red, green, blue = (int(part) for part in css[css.index("(") + 1 : -1].split(",")[:3])
    return red, green, blue


def test_unknown_model_version_is_a_404_page_in_the_staff_language(staff_page, live_server, says):
    response = staff_page.goto(f"{live_server.url}/admin/mlmodels/modelversion/999/change/")

    assert response.status == 404
    assert says["not_found"] in staff_page.inner_text("#content")
    assert staff_page.inner_text("#not-found-reason") == says["no_version"]


@pytest.fixture
def quote(production_tariff, demo_history, tariff, brands, zipcodes):
    return premium_quote(
        request=QuoteRequest(
            zipcode=9000,
            brand="Volkswagen",
            fuel="diesel",
            power_kw=85,
            vehicle_age=3,
            driver_age=35,
            bonus_malus=2,
            coverage="TPL",
            use="private",
            fleet=False,
            date=date(2026, 11, 3),
        )
    )


def test_a_quote_found_by_date_shows_its_breakdown_as_a_table_with_links(
    staff_page, live_server, quote, says
):
    staff_page.goto(f"{live_server.url}/admin/tariffs/quote/")
    staff_page.fill("#searchbar", "03/11/2026")
    staff_page.press("#searchbar", "Enter")
    staff_page.click(f"#result_list a[href*='/quote/{quote.pk}/change/']")

    staff_page.wait_for_selector("#breakdown")
    breakdown = staff_page.locator("#breakdown")
    assert breakdown.locator("th").all_text_contents() == says["breakdown"]
    assert breakdown.locator("tbody tr").count() == len(quote.breakdown)
    assert breakdown.locator("tbody tr td").first.inner_text() == says["first_step"]
    assert staff_page.locator("#content form input[type=text]").count() == 0  # a record: read-only
    breakdown.locator(f"a[href$='/tariffversion/{quote.tariff_id}/change/']").first.click()
    staff_page.wait_for_url(f"**/tariffversion/{quote.tariff_id}/change/")


def test_new_tariff_version_starts_from_the_chosen_one_with_the_loading_in_percent(
    staff_page, live_server, tariff, says
):
    staff_page.goto(f"{live_server.url}/admin/tariffs/tariffversion/")
    assert staff_page.locator("td.field-in_force img[alt=True]").count() == 1
    staff_page.click(f"text={says['new_version']}")

    assert says["creates_version"] in staff_page.inner_text("#content")
    assert staff_page.input_value("#id_loading_percent") == says["loading"]
    staff_page.fill("#id_valid_from", "01/01/2027")
    staff_page.click("input[name=_save]")
    staff_page.wait_for_selector(".messagelist .success")

    newer = TariffVersion.objects.exclude(pk=tariff.pk).get()
    assert (newer.valid_from, newer.commercial_loading) == (date(2027, 1, 1), Decimal("0.250"))
    assert TariffVersion.objects.get(pk=tariff.pk).valid_from == tariff.valid_from


def test_shared_lookups_cannot_be_edited_from_a_list_or_a_rule(staff_page, live_server, zipcodes):
    for path in ("/admin/zipcodes/zipcode/", "/admin/strategies/pricingrule/add/"):
        staff_page.goto(f"{live_server.url}{path}")
        assert staff_page.locator(".related-widget-wrapper-link").count() == 0


def test_fetch_now_runs_in_the_background_and_shows_its_result(
    staff_page, live_server, demo_history, statbel, bestat_url, bestat_payload, says
):
    statbel.get(bestat_url, json=bestat_payload)
    staff_page.goto(f"{live_server.url}/admin/indices/healthindex/")

    staff_page.click("#fetch-now")

    assert says["fetch_queued"] in staff_page.inner_text(".messagelist")
    assert says["done"] in staff_page.inner_text("table.recent-fetches tbody")
    assert HealthIndexFetch.objects.get().state == HealthIndexFetch.State.DONE


def test_health_index_charts_read_in_the_staff_language(
    staff_page, live_server, demo_history, says
):
    staff_page.goto(f"{live_server.url}/admin/indices/healthindex/chart/")

    assert says["base"] in staff_page.inner_text("#content")
    assert staff_page.locator("img.health-index-chart").first.evaluate("i => i.naturalWidth") > 0


# Every list staff open, checked on the narrowest screen of the office (1366 px wide).
CHANGELISTS = [
    "zipcodes/zipcode",
    "zipcodes/riskclass",
    "tariffs/zoningproposal",
    "strategies/brand",
    "strategies/pricingrule",
    "tariffs/tariffversion",
    "strategies/fuelmapping",
    "tariffs/quote",
    "indices/healthindex",
    "mlmodels/modelversion",
    "mlmodels/dataset",
    "mlmodels/trainingjob",
    "tariffs/tariffevaluation",
]


def test_every_list_fits_a_1366_pixel_screen(staff_page, live_server, quote):
    staff_page.set_viewport_size({"width": 1366, "height": 768})
    too_wide = {}
    for changelist in CHANGELISTS:
        staff_page.goto(f"{live_server.url}/admin/{changelist}/")
        # The admin scrolls a wide table inside its box: what does not fit is cut from view.
        hidden = staff_page.evaluate(
            "Math.max(document.documentElement.scrollWidth - innerWidth, "
            "...[...document.querySelectorAll('.results')].map(box => "
            "box.scrollWidth - box.clientWidth))"
        )
        if hidden > 0:
            too_wide[changelist] = hidden

    assert too_wide == {}


@pytest.fixture
def book(production_tariff, demo_history, tariff, dataset):
    """The generated portfolio with today's tables: every postcode, a default rule."""
    import_module("zipcodes.migrations.0002_risk_classes").create_risk_classes(apps, None)
    zipcode_load_csv(lines=zipcode_file_lines((ROOT / "fixtures" / "zipcodes.csv").read_bytes()))
    rule(percent="0")
    return dataset


def test_a_draft_rule_is_simulated_then_approved_with_its_impact_beside_the_button(
    staff_page, approver_page, live_server, book, says
):
    staff_page.goto(f"{live_server.url}/admin/strategies/pricingrule/add/")
    staff_page.select_option("#id_fuel", "diesel")
    staff_page.fill("#id_adjustment_percent", "-10")
    staff_page.fill("#id_valid_from", "01/01/2026")
    staff_page.click("input[name=_save]")
    draft = PricingRule.objects.get(fuel="diesel")
    assert draft.state == "draft"  # a new rule waits for approval

    staff_page.check(f"input[name=_selected_action][value='{draft.pk}']")
    staff_page.select_option("select[name=action]", "simulate_impact")
    staff_page.click("button[name=index]")
    staff_page.wait_for_selector("#impact-totals")
    assert staff_page.locator("#impact-histogram").evaluate("i => i.naturalWidth") > 0
    assert says["diesel_group"] in staff_page.inner_text("#content")

    staff_page.goto(f"{live_server.url}/admin/strategies/pricingrule/{draft.pk}/change/")
    staff_page.click("#approve-draft")
    staff_page.click("#confirm-approval")
    assert says["four_eyes"] in staff_page.inner_text(".messagelist .error")  # its author
    approver_page.goto(f"{live_server.url}/admin/strategies/pricingrule/{draft.pk}/approve/")
    assert "€" in approver_page.inner_text("#draft-impact")
    approver_page.click("#confirm-approval")
    approver_page.wait_for_selector(".messagelist .success")
    assert PricingRule.objects.get(pk=draft.pk).state == "approved"
