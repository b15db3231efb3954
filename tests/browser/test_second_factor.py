"""A staff member who approves prices logs in with a password and then the authenticator app's
code (PRICING_OTP_REQUIRED, as in production): without the code no admin page opens, so no
approval either; with it, the approval goes through."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from strategies.models import PricingRule
from strategies.tests.fixtures import rule
from tests.browser.conftest import ADMIN_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def second_factor_required(settings):
    settings.PRICING_OTP_REQUIRED = True


@pytest.fixture
def draft(db):
    return rule(fuel="diesel", percent="-5", state="draft")


def log_in_with_password(page, live_server, username: str, next_path: str) -> None:
    page.goto(f"{live_server.url}/admin/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("input[type=submit]")


def test_an_approver_cannot_approve_without_the_code_and_can_with_it(
    page, live_server, django_user_model, second_factor_required, draft
):
    approver = django_user_model.objects.create_superuser("second", password=ADMIN_PASSWORD)
    device = TOTPDevice.objects.create(user=approver, name="phone", confirmed=True)
    approve = f"/admin/strategies/pricingrule/{draft.pk}/approve/"

    log_in_with_password(page, live_server, "second", approve)
    page.wait_for_selector("#second-factor-form")
    page.goto(f"{live_server.url}{approve}")  # straight to the approval: sent back for the code
    page.wait_for_selector("#second-factor-form")
    page.fill("#id_token", f"{(TOTP(device.bin_key).token() + 1) % 1_000_000:06d}")
    page.click("#second-factor-form input[type=submit]")
    assert page.locator(".errorlist").count() == 1
    assert PricingRule.objects.get(pk=draft.pk).state == "draft"

    page.wait_for_timeout(1_100)  # a wrong code holds the device back for a second (throttling)
    page.fill("#id_token", f"{TOTP(device.bin_key).token():06d}")
    page.click("#second-factor-form input[type=submit]")
    page.fill("#approval-reason", "Campaign agreed with the dealer.")
    page.click("#confirm-approval")
    page.wait_for_selector(".messagelist .success")

    assert PricingRule.objects.get(pk=draft.pk).state == "approved"


def test_an_approver_without_a_device_is_told_to_ask_for_one(
    page, live_server, django_user_model, second_factor_required
):
    django_user_model.objects.create_superuser("second", password=ADMIN_PASSWORD)

    log_in_with_password(page, live_server, "second", "/admin/")

    page.wait_for_selector("#no-second-factor")
    page.goto(f"{live_server.url}/admin/strategies/pricingrule/")
    assert page.locator("#no-second-factor").count() == 1


def test_staff_who_approve_nothing_log_in_with_the_password(
    page, live_server, django_user_model, second_factor_required
):
    django_user_model.objects.create_user("reader", password=ADMIN_PASSWORD, is_staff=True)

    log_in_with_password(page, live_server, "reader", "/admin/")

    page.wait_for_selector("#site-name")
    assert page.locator("#second-factor-form").count() == 0
