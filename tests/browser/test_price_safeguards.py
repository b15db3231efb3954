"""Nothing puts a price in force by mistake, in a real browser in Dutch, French and English: a
bulk promotion asks first, a form never approves, and a decimal comma is read as one."""

from datetime import date
from decimal import Decimal

import pytest

from mlmodels.models import ModelVersion
from mlmodels.services import model_version_train
from mlmodels.tests.fixtures import promote
from strategies.models import Brand, PricingRule
from strategies.services import brand_save
from strategies.tests.fixtures import rule
from tariffs.models import TariffVersion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAYS = {
    "nl": {
        "worse": "scoort slechter dan versie",
        "promoted": "In productie genomen",
        "ambiguous": "kan op twee manieren gelezen worden",
        "already": "is al goedgekeurd",
    },
    "fr": {
        "worse": "moins bon score que la version",
        "promoted": "Mise en production",
        "ambiguous": "peut se lire de deux façons",
        "already": "est déjà approuvée",
    },
    "en": {
        "worse": "scores worse than version",
        "promoted": "Promoted to production",
        "ambiguous": "can be read two ways",
        "already": "is already approved",
    },
}


@pytest.fixture(params=["nl", "fr", "en"])
def language(request):
    return request.param


@pytest.fixture
def says(language):
    return SAYS[language]


def test_bulk_promotion_of_a_worse_version_asks_first_in_red_and_lands_in_its_history(
    staff_page, live_server, dataset, says
):
    production = promote(
        model_version_train(dataset=dataset, task="claim_frequency", estimator="glm", cv=0)
    )
    worse = model_version_train(
        dataset=dataset,
        task="claim_frequency",
        estimator="hist_gradient_boosting",
        params={"max_iter": 1},
        cv=0,
    )

    staff_page.goto(f"{live_server.url}/admin/mlmodels/modelversion/")
    staff_page.check(f"input[name=_selected_action][value='{worse.pk}']")
    staff_page.select_option("select[name=action]", "promote_selected")
    staff_page.click("button[name=index]")

    assert says["worse"] in staff_page.inner_text("#worse-warning")
    assert ModelVersion.objects.get(pk=production.pk).is_production  # nothing changed yet
    staff_page.fill("#approval-reason", "Known to be worse: a test of the rollback.")
    staff_page.click("#confirm-promotion")
    staff_page.wait_for_selector(".messagelist .success")
    assert ModelVersion.objects.get(pk=worse.pk).is_production
    staff_page.goto(f"{live_server.url}/admin/mlmodels/modelversion/{worse.pk}/history/")
    assert says["promoted"] in staff_page.inner_text("#change-history")


@pytest.mark.parametrize(("typed", "stored"), [("2,5", "2.50"), ("2.5", "2.50")])
def test_a_new_rule_is_a_draft_with_its_decimal_comma_read_as_one(
    staff_page, live_server, typed, stored
):
    brand_save(brand=Brand(name="Toyota"))
    staff_page.goto(f"{live_server.url}/admin/strategies/pricingrule/add/")
    assert staff_page.locator("[name=state]").count() == 0  # approval is its own step
    staff_page.select_option("select[name=brand]", label="Toyota")
    staff_page.type("input[name=adjustment_percent]", typed)  # typed key by key, as staff do
    staff_page.fill("input[name=valid_from]", "01/03/2028")
    staff_page.click("input[name=_save]")
    staff_page.wait_for_selector(".messagelist .success")

    created = PricingRule.objects.get()
    assert (created.adjustment_percent, created.state) == (Decimal(stored), "draft")


def test_an_amount_with_thousands_is_read_and_an_ambiguous_one_refused_with_what_to_type(
    staff_page, live_server, tariff, says
):
    staff_page.goto(f"{live_server.url}/admin/tariffs/tariffversion/add/?from={tariff.pk}")
    staff_page.fill("#id_valid_from", "01/01/2027")
    staff_page.fill("#id_minimum_premium", "1.500")
    staff_page.click("input[name=_save]")
    assert says["ambiguous"] in staff_page.inner_text(".errorlist")
    assert TariffVersion.objects.count() == 1

    staff_page.fill("#id_minimum_premium", "2.500,00")
    staff_page.click("input[name=_save]")
    staff_page.wait_for_selector(".messagelist .success")
    newer = TariffVersion.objects.exclude(pk=tariff.pk).get()
    assert (newer.minimum_premium, newer.state) == (Decimal("2500.00"), "draft")


def test_the_approve_page_of_an_approved_rule_says_it_is_approved(staff_page, live_server, says):
    approved = rule(
        brand_save(brand=Brand(name="Toyota")), percent="-8", valid_from=date(2026, 1, 1)
    )

    staff_page.goto(f"{live_server.url}/admin/strategies/pricingrule/{approved.pk}/approve/")

    assert says["already"] in staff_page.inner_text(".messagelist")
    assert staff_page.locator("#confirm-approval").count() == 0
