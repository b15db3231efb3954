"""What business staff do in the admin, in a real browser."""

from datetime import date
from importlib import import_module

import pytest
import requests
from django.apps import apps

from strategies.models import Brand, PricingRule
from strategies.services import brand_save
from strategies.tests.fixtures import rule
from zipcodes.services import zipcode_load_csv

# A live server needs committed rows, so each test commits and is flushed afterwards.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def api_get(live_server, client, path: str, **params):
    token = client._credentials["HTTP_AUTHORIZATION"]
    return requests.get(
        f"{live_server.url}{path}", params=params, headers={"Authorization": token}, timeout=10
    ).json()


@pytest.fixture
def zipcodes():
    # A flush after an earlier transactional test removed the risk classes the migration made.
    import_module("zipcodes.migrations.0002_risk_classes").create_risk_classes(apps, None)
    zipcode_load_csv(lines=["zipcode,risk_class,municipality", "9000,B,Gent", "1000,C,Brussel"])


def test_staff_logs_in(admin_page):
    assert "Pricing tables, models and indices" in admin_page.content()


def test_zipcode_class_changed_in_list_is_answered_by_api_at_once(
    admin_page, live_server, zipcodes, make_api_client
):
    client = make_api_client()
    assert api_get(live_server, client, "/api/v1/zipcodes/9000")["risk_class"] == "B"

    admin_page.goto(f"{live_server.url}/admin/zipcodes/zipcode/?q=9000")
    admin_page.select_option("select[name=form-0-risk_class]", "A")
    admin_page.click("input[name=_save]")
    admin_page.wait_for_selector(".messagelist")

    assert api_get(live_server, client, "/api/v1/zipcodes/9000")["risk_class"] == "A"


def test_zipcode_import_with_bad_line_explains_and_changes_nothing(
    admin_page, live_server, zipcodes, tmp_path
):
    upload = tmp_path / "zipcodes.csv"
    upload.write_text("zipcode,risk_class\n9000,A\n9001,Z\n")

    admin_page.goto(f"{live_server.url}/admin/zipcodes/zipcode/")
    admin_page.click("text=Import CSV")
    admin_page.set_input_files("input[name=file]", str(upload))
    admin_page.click("input[value=Import]")

    assert "Nothing was imported" in admin_page.inner_text(".errornote")
    assert "Unknown risk class 'Z'" in admin_page.inner_text("#import-errors")
    assert admin_page.inner_text("#import-errors tbody td") == "3"
    from zipcodes.models import Zipcode

    assert Zipcode.objects.get(code=9000).risk_class_id == "B"


def draft_rule(page, live_server, *, brand: Brand, fuel: str, percent: str, valid_from: str) -> int:
    """A rule typed as staff do: saved as a draft; its id."""
    page.goto(f"{live_server.url}/admin/strategies/pricingrule/add/")
    page.select_option("#id_brand", str(brand.pk))
    page.select_option("#id_fuel", fuel)
    page.fill("#id_adjustment_percent", percent)
    page.fill("#id_valid_from", valid_from)
    page.click("input[name=_continue]")
    page.wait_for_selector("#approve-draft")
    return PricingRule.objects.latest("pk").pk


def approve_rule(page, live_server, rule_id: int, reason: str = "") -> None:
    page.goto(f"{live_server.url}/admin/strategies/pricingrule/{rule_id}/approve/")
    if reason:
        page.fill("#approval-reason", reason)
    page.click("#confirm-approval")


def draft_and_approve_rule(author, approver, live_server, **rule_fields) -> None:
    """One editor drafts, another approves (four eyes), writing why there is no analysis."""
    rule_id = draft_rule(author, live_server, **rule_fields)
    approve_rule(approver, live_server, rule_id, reason="Announced to the brokers last week.")


def test_author_cannot_approve_and_another_editor_approves_with_a_reason_in_the_log(
    admin_page, approver_page, live_server
):
    bmw = brand_save(brand=Brand(name="BMW"))
    rule_id = draft_rule(
        admin_page, live_server, brand=bmw, fuel="petrol", percent="5", valid_from="2026-01-01"
    )

    approve_rule(admin_page, live_server, rule_id, reason="My own rule.")
    assert "four eyes" in admin_page.inner_text(".messagelist .error")
    approver_page.goto(f"{live_server.url}/admin/strategies/pricingrule/{rule_id}/approve/")
    assert "never simulated" in approver_page.inner_text("#draft-not-simulated")
    approver_page.click("#confirm-approval")  # the reason is required: the form stays
    assert PricingRule.objects.get(pk=rule_id).state == "draft"
    approve_rule(approver_page, live_server, rule_id, reason="Announced to the brokers.")
    approver_page.wait_for_selector(".messagelist .success")

    assert PricingRule.objects.get(pk=rule_id).state == "approved"
    approver_page.goto(f"{live_server.url}/admin/tariffs/tariffchange/")
    row = approver_page.inner_text("#result_list tbody tr")
    assert "staff" in row  # drafted by
    assert "second" in row  # approved by
    approver_page.click("#result_list tbody tr a")
    assert "Announced to the brokers." in approver_page.inner_text("#content")


def test_overlapping_rule_is_refused_at_approval_in_plain_words(
    admin_page, approver_page, live_server
):
    toyota = brand_save(brand=Brand(name="Toyota"))
    rule(
        toyota,
        fuel="diesel",
        percent="-8",
        valid_from=date(2026, 10, 1),
        valid_to=date(2026, 12, 31),
    )

    draft_and_approve_rule(
        admin_page,
        approver_page,
        live_server,
        brand=toyota,
        fuel="diesel",
        percent="-5",
        valid_from="2026-12-01",
    )

    assert "Another active rule for Toyota + Diesel" in approver_page.inner_text(
        ".messagelist .error"
    )
    assert PricingRule.objects.filter(state="draft").count() == 1


def test_valid_rule_added_is_picked_by_resolve(
    admin_page, approver_page, live_server, make_api_client
):
    bmw = brand_save(brand=Brand(name="BMW"))

    draft_and_approve_rule(
        admin_page,
        approver_page,
        live_server,
        brand=bmw,
        fuel="petrol",
        percent="5",
        valid_from="2026-01-01",
    )
    approver_page.wait_for_selector(".messagelist .success")

    resolution = api_get(
        live_server,
        make_api_client(),
        "/api/v1/strategies/resolve",
        brand="bmw",
        fuel="petrol",
        date="2026-11-24",
    )
    assert (resolution["adjustment_percent"], resolution["level"]) == ("5.00", "brand+fuel")


def test_model_version_comparison_read_and_promoted(
    admin_page, live_server, production_version, train
):
    candidate = train(estimator="glm")

    admin_page.goto(f"{live_server.url}/admin/mlmodels/modelversion/{candidate.pk}/change/")
    assert "These results were calculated with the same set of data" in admin_page.inner_text(
        ".comparison + p"
    )
    assert admin_page.locator("img[alt='Lift by decile']").is_visible()
    admin_page.click("#promote-button")
    admin_page.wait_for_selector("#confirm-promotion")  # a second click, after the comparison
    candidate.refresh_from_db()
    assert not candidate.is_production
    admin_page.fill("#approval-reason", "Better on the holdout.")
    admin_page.click("#confirm-promotion")
    admin_page.wait_for_selector(".messagelist .success")

    candidate.refresh_from_db()
    assert candidate.is_production


def test_health_index_chart_is_shown(admin_page, live_server, demo_history):
    admin_page.goto(f"{live_server.url}/admin/indices/healthindex/")
    admin_page.click("text=Charts")

    charts = admin_page.locator("img.health-index-chart")
    assert charts.count() == 5
    assert charts.first.evaluate("image => image.naturalWidth") > 0


def test_staff_switch_to_dutch_and_type_dates_the_belgian_way(admin_page, live_server, brands):
    admin_page.select_option("#language-switch", "nl")
    admin_page.wait_for_selector("html[lang=nl]")
    admin_page.goto(f"{live_server.url}/admin/strategies/pricingrule/add/")
    admin_page.select_option("select[name=brand]", label="Toyota")
    admin_page.fill("input[name=adjustment_percent]", "-5")

    admin_page.fill("input[name=valid_from]", "03/01/28")  # two-digit year: which century?
    admin_page.click("input[name=_save]")
    admin_page.wait_for_selector(".errorlist")
    assert not PricingRule.objects.exists()

    admin_page.fill("input[name=valid_from]", "01/03/2028")
    admin_page.click("input[name=_save]")
    admin_page.wait_for_selector(".messagelist")

    assert PricingRule.objects.get().valid_from == date(2028, 3, 1)
    assert "01/03/2028" in admin_page.content()  # the list shows it day first
