"""Staff logins resist guessing: ten wrong passwords for an account, or from an address, and
logging in is refused even with the right one until the cool-off; sessions end when idle; every
page says what it may load (Content-Security-Policy); operators give approvers an authenticator
app (the second factor itself: tests/browser/test_second_factor.py)."""

import datetime
import io
import logging

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PASSWORD = "a-staff-password-1"
LOGIN = "/admin/login/"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("anna", password=PASSWORD, is_staff=True)


def log_in(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address
    )


def test_the_eleventh_attempt_is_refused_even_with_the_right_password(staff, client, caplog):
    caplog.set_level(logging.WARNING, logger="axes")
    answers = [log_in(client, "anna", "wrong").status_code for _ in range(10)]

    right = log_in(client, "anna", PASSWORD)

    assert answers[:9] == [200] * 9  # the login form again, with its error
    assert answers[9] == right.status_code == 429
    assert "15 minutes" in right.content.decode()
    assert "_auth_user_id" not in client.session
    assert any("Locking out" in record.getMessage() for record in caplog.records)


def test_after_the_cool_off_the_right_password_logs_in(staff, client):
    for _ in range(10):
        log_in(client, "anna", "wrong")
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time
        - settings.AXES_COOLOFF_TIME
        - datetime.timedelta(seconds=1)
    )

    assert log_in(client, "anna", PASSWORD).status_code == 302


def test_guessing_many_accounts_from_one_address_locks_the_address(staff, client):
    for attempt in range(10):
        log_in(client, f"guess-{attempt}", "wrong", address="10.0.0.66")

    assert log_in(client, "anna", PASSWORD, address="10.0.0.66").status_code == 429
    assert log_in(Client(), "anna", PASSWORD, address="10.0.0.7").status_code == 302


def test_a_staff_session_ends_after_half_an_hour_without_a_request(staff, client):
    assert log_in(client, "anna", PASSWORD).status_code == 302

    for _ in range(2):  # each request starts the half hour again
        answer = client.get(reverse("admin:index"))
        assert answer.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60


def test_admin_pages_send_a_content_security_policy(admin_client):
    policy = admin_client.get(reverse("admin:index"))["Content-Security-Policy"]

    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy.split("style-src-attr")[0]


def test_add_totp_device_prints_what_the_app_scans_and_replaces_a_lost_one(staff):
    for options in ((), ("--replace",)):
        out = io.StringIO()
        call_command("add_totp_device", "anna", *options, stdout=out)

    device = TOTPDevice.objects.get(user=staff)
    assert out.getvalue().startswith("otpauth://totp/pricing_site")
    assert device.config_url in out.getvalue()
