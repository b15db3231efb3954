"""API keys: shown once and stored as a hash (a copy of the table or of the database
authenticates no one), expired, revoked and rotated-out keys refused with their own code while
the new one works, the last use noted at most once a minute, and today's tokens migrated."""

import datetime
import io
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from pricing_site.models import ApiKey
from pricing_site.services import api_client_create, api_key_revoke

pytestmark = pytest.mark.django_db

PING = "/api/v1/ping"


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def issued(db):
    return api_client_create(name="partner-app")


def test_a_key_is_shown_once_with_a_prefix_and_stored_only_as_a_hash(issued):
    prefix, _, secret = issued.key.partition(".")
    stored = ApiKey.objects.get()

    assert stored.prefix == prefix
    assert len(secret) == 32
    assert issued.key not in str(ApiKey.objects.values().get())
    assert secret not in stored.hashed_key
    assert client_with(issued.key).get(PING).status_code == 200


def test_what_the_table_stores_authenticates_no_one(issued):
    stored = ApiKey.objects.values().get()

    for candidate in (stored["id"], stored["hashed_key"], stored["prefix"]):
        answer = client_with(candidate).get(PING)
        assert answer.status_code == 401
        assert answer.json()["code"] == "authentication_failed"


@pytest.mark.django_db(transaction=True)  # committed, so pg_dump sees it
def test_a_dump_of_the_whole_database_holds_no_usable_key(issued):
    database = connection.settings_dict
    dump = subprocess.run(
        [
            "pg_dump",
            "--data-only",
            "-h",
            database["HOST"],
            "-U",
            database["USER"],
            database["NAME"],
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    _, _, secret = issued.key.partition(".")

    assert issued.api_key.prefix in dump  # the dump is the database's
    assert secret not in dump


def test_an_expired_key_answers_token_expired(issued):
    ApiKey.objects.filter(pk=issued.api_key.pk).update(
        expiry_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    issued.api_key.refresh_from_db()
    issued.api_key.save()  # through the model, as the admin does: the cached key is cleared

    answer = client_with(issued.key).get(PING)

    assert answer.status_code == 401
    assert answer.json()["code"] == "token_expired"
    assert issued.api_key.prefix in answer.json()["detail"]


def test_a_revoked_key_answers_token_revoked_at_once(issued):
    client = client_with(issued.key)
    assert client.get(PING).status_code == 200

    api_key_revoke(api_key=issued.api_key)

    answer = client.get(PING)
    assert answer.status_code == 401
    assert answer.json()["code"] == "token_revoked"


def test_a_rotated_key_works_during_the_grace_and_is_refused_after(issued):
    out = io.StringIO()
    call_command("rotate_api_client", "partner-app", "--grace", "7d", stdout=out, stderr=out)
    new_key = out.getvalue().splitlines()[0]

    old = ApiKey.objects.get(pk=issued.api_key.pk)
    assert client_with(new_key).get(PING).status_code == 200
    assert client_with(issued.key).get(PING).status_code == 200
    assert old.expiry_date < timezone.now() + datetime.timedelta(days=7, minutes=1)

    call_command("rotate_api_client", "partner-app", "--grace", "0", stdout=out, stderr=out)

    assert client_with(issued.key).get(PING).json()["code"] == "token_expired"
    assert client_with(new_key).get(PING).json()["code"] == "token_expired"


def test_rotating_an_unknown_client_or_with_a_wrong_grace_says_so(issued):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="no API client named 'nobody'"):
        call_command("rotate_api_client", "nobody")
    with pytest.raises(CommandError, match="7d, 12h, 30m"):
        call_command("rotate_api_client", "partner-app", "--grace", "a week")


def test_a_new_key_expires_after_a_year_unless_told(db):
    default = api_client_create(name="yearly").api_key
    short = api_client_create(name="short", lifetime=datetime.timedelta(days=30)).api_key

    year = timezone.now() + datetime.timedelta(days=365)
    assert abs((default.expiry_date - year).total_seconds()) < 60
    assert short.expiry_date < timezone.now() + datetime.timedelta(days=31)


def test_the_last_use_is_written_after_the_answer_at_most_once_a_minute(issued):
    from pricing_site import services

    services._last_used_noted.clear()
    client = client_with(issued.key)
    client.get(PING)
    first = ApiKey.objects.get().last_used_at
    client.get(PING)

    assert first is not None
    assert ApiKey.objects.get().last_used_at == first  # within the minute: not written again


def test_the_admin_creates_a_key_shows_it_once_and_revokes_it(admin_client, issued):
    answer = admin_client.post(
        reverse("admin:pricing_site_apikey_add"),
        {
            "client": issued.api_key.client_id,
            "name": "second key",
            "expiry_date_0": "31/12/2027",
            "expiry_date_1": "00:00:00",
        },
        follow=True,
    )
    message = next(iter(answer.context["messages"])).message
    new_key = message.split(" is ")[1].split(" ")[0]
    assert client_with(new_key).get(PING).status_code == 200
    assert (
        new_key
        not in admin_client.get(reverse("admin:pricing_site_apikey_changelist")).content.decode()
    )

    admin_client.post(
        reverse("admin:pricing_site_apikey_changelist"),
        {"action": "revoke", "_selected_action": [ApiKey.objects.get(name="second key").pk]},
    )

    assert client_with(new_key).get(PING).json()["code"] == "token_revoked"
    assert client_with(issued.key).get(PING).status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_the_tokens_issued_before_keep_working_once_hashed(migrator):
    old = migrator.apply_initial_migration([("pricing_site", "0001_api_keys")]).apps
    partner = old.get_model("auth", "User").objects.create(username="old-partner")
    legacy = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:  # DRF's authtoken table, as it was
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id int)")
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, %s)", [legacy, partner.pk])

    migrator.apply_tested_migration([("pricing_site", "0002_legacy_tokens_hashed")])

    assert "authtoken_token" not in connection.introspection.table_names()
    stored = ApiKey.objects.get()
    assert (stored.prefix, stored.client.username) == ("01234567", "old-partner")
    assert legacy not in stored.hashed_key
    assert client_with(legacy).get(PING).status_code == 200
    migrator.reset()
