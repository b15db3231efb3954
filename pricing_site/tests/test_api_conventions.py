"""The shared API conventions: one JSON error format, token auth, permissions, throttling."""

import logging

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from pricing_site.models import ApiKey
from pricing_site.throttling import ClientRateThrottle

pytestmark = [pytest.mark.django_db, pytest.mark.urls("pricing_site.tests.urls")]

ERROR_KEYS = {"code", "detail", "fields", "extra"}


def test_unknown_api_url_returns_json_404(api_client):
    response = api_client.get("/api/v1/does-not-exist/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"
    assert set(response.json()) == ERROR_KEYS


def test_unsupported_method_returns_json_405(api_client):
    response = api_client.delete("/api/v1/ping")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_validation_error_lists_each_field_with_its_message(api_client):
    response = api_client.get("/api/v1/test/echo", {"zipcode": "99999"})

    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "invalid"
    assert body["fields"] == [
        {
            "field": "zipcode",
            "message": "Ensure this value is less than or equal to 9999.",
            "code": "max_value",
        }
    ]


def test_validation_error_names_nested_record_fields(make_api_client):
    client = make_api_client("auth.add_user")

    response = client.post(
        "/api/v1/test/echo", {"zipcode": 1000, "records": [{"a": 1}, {"a": 11}]}, format="json"
    )

    assert response.status_code == 400
    assert [error["field"] for error in response.json()["fields"]] == ["records.1.a"]


def test_unhandled_exception_returns_json_500_with_logged_error_id(api_client, caplog):
    client = APIClient(raise_request_exception=False)
    client.credentials(**api_client._credentials)

    with caplog.at_level(logging.ERROR):
        response = client.get("/api/v1/test/fail/boom")

    body = response.json()
    assert response.status_code == 500
    assert body["code"] == "internal_error"
    assert "Traceback" not in response.content.decode()
    error_id = body["extra"]["error_id"]
    logged = [record for record in caplog.records if getattr(record, "error_id", None) == error_id]
    assert logged
    assert logged[0].exc_info is not None


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("missing", 404, "thing_not_found"),
        ("conflict", 409, "conflict"),
        ("down", 503, "no_production_model"),
    ],
)
def test_application_errors_map_to_status_and_keep_their_code(api_client, kind, status, code):
    response = api_client.get(f"/api/v1/test/fail/{kind}")

    assert response.status_code == status
    assert response.json()["code"] == code


def test_anonymous_request_gets_401_in_json():
    response = APIClient().get("/api/v1/ping")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_bad_token_gets_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = client.get("/api/v1/ping")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_bearer_keyword_is_accepted(api_client):
    token = api_client._credentials["HTTP_AUTHORIZATION"].split()[1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    assert client.get("/api/v1/ping").status_code == 200


def test_write_without_model_permission_gets_403(api_client):
    response = api_client.post("/api/v1/test/echo", {"zipcode": 1000}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_write_with_model_permission_succeeds(make_api_client):
    client = make_api_client("auth.add_user")

    response = client.post("/api/v1/test/echo", {"zipcode": 1000}, format="json")

    assert response.status_code == 200


def test_wrong_content_type_gets_json_415(make_api_client):
    client = make_api_client("auth.add_user")

    response = client.post("/api/v1/test/echo", "zipcode=1000", content_type="text/plain")

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_malformed_json_gets_json_400(make_api_client):
    client = make_api_client("auth.add_user")

    response = client.post("/api/v1/test/echo", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_throttled_client_gets_json_429(api_client, make_api_client, monkeypatch):
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"user": "2/min"})

    statuses = [api_client.get("/api/v1/ping").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    body = api_client.get("/api/v1/ping").json()
    assert body["code"] == "throttled"
    assert 0 < body["extra"]["wait_seconds"] <= 60
    assert make_api_client().get("/api/v1/ping").status_code == 200  # per client


def test_throttle_lets_requests_through_when_redis_is_down(api_client, settings, monkeypatch):
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"user": "1/min"})
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}
    }

    assert [api_client.get("/api/v1/ping").status_code for _ in range(2)] == [200, 200]


def test_token_request_makes_one_redis_round_trip_for_cache_generation_and_throttle(
    api_client, redis_round_trips
):
    api_client.get("/api/v1/ping")  # the client's principal cached in this process
    redis_round_trips.clear()

    assert api_client.get("/api/v1/ping").status_code == 200
    assert len(redis_round_trips) == 1


def test_token_requests_make_no_redis_round_trip_within_the_sync_interval(
    api_client, settings, redis_round_trips
):
    api_client.get("/api/v1/ping")
    settings.PRICING_CACHE_SYNC_INTERVAL_S = 60
    redis_round_trips.clear()

    assert [api_client.get("/api/v1/ping").status_code for _ in range(3)] == [200] * 3
    assert redis_round_trips == []


def test_throttle_refuses_within_the_sync_interval(api_client, settings, monkeypatch):
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"user": "2/min"})
    settings.PRICING_CACHE_SYNC_INTERVAL_S = 60

    assert [api_client.get("/api/v1/ping").status_code for _ in range(3)] == [200, 200, 429]


def test_throttle_counts_a_session_client_by_its_user(
    make_api_client, django_user_model, monkeypatch
):
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"user": "1/min"})
    client = APIClient()
    client.force_login(django_user_model.objects.create_user("staff-reader"))

    assert [client.get("/api/v1/ping").status_code for _ in range(2)] == [200, 429]
    assert make_api_client().get("/api/v1/ping").status_code == 200


def test_authenticated_request_makes_no_query_once_the_client_is_cached(
    api_client, django_assert_num_queries
):
    api_client.get("/api/v1/ping")

    with django_assert_num_queries(0):
        assert api_client.get("/api/v1/ping").status_code == 200


def test_a_clients_requests_share_its_user_until_its_permissions_change(
    api_client, django_user_model
):
    first = api_client.get("/api/v1/ping").wsgi_request.user
    again = api_client.get("/api/v1/ping").wsgi_request.user
    django_user_model.objects.get(pk=first.pk).user_permissions.add(
        Permission.objects.get(codename="add_quote")
    )
    changed = api_client.get("/api/v1/ping").wsgi_request.user

    assert again is first
    assert not first.has_perm("tariffs.add_quote")
    assert changed is not first
    assert changed.has_perm("tariffs.add_quote")


def test_deleting_a_key_refuses_it_at_once(api_client):
    api_client.get("/api/v1/ping")
    ApiKey.objects.all().delete()

    assert api_client.get("/api/v1/ping").status_code == 401


def test_every_response_carries_the_callers_request_id(api_client):
    response = api_client.get("/api/v1/ping", HTTP_X_REQUEST_ID="abc-123")

    assert response["X-Request-ID"] == "abc-123"


def test_log_lines_written_while_serving_carry_the_request_id(api_client, caplog):
    client = APIClient(raise_request_exception=False)
    client.credentials(**api_client._credentials)

    with caplog.at_level(logging.ERROR):
        client.get("/api/v1/test/fail/boom", HTTP_X_REQUEST_ID="abc-123")

    assert caplog.records
    assert {getattr(record, "request_id", None) for record in caplog.records} == {"abc-123"}


def test_forged_request_id_is_replaced(api_client):
    response = api_client.get("/api/v1/ping", HTTP_X_REQUEST_ID="evil\nid")

    assert response["X-Request-ID"] != "evil\nid"
    assert len(response["X-Request-ID"]) == 32
