"""The WSGI application: token API calls skip the browser-only middleware, the rest keep it."""

import pytest
from django.core.signals import request_started
from django.db import close_old_connections
from django.test import RequestFactory

from pricing_site.handlers import SiteHandler

pytestmark = pytest.mark.django_db


@pytest.fixture
def serve():
    """Call the site's WSGI application as gunicorn does, inside the test's transaction."""
    application = SiteHandler()
    # As Django's test client does: closing "old" connections would end the test transaction.
    request_started.disconnect(close_old_connections)

    def call(path, **headers):
        answer = {}

        def start_response(status, response_headers, exc_info=None):
            answer["status"] = int(status.split()[0])
            answer["headers"] = dict(response_headers)

        environ = RequestFactory().get(path, secure=True, **headers).environ
        answer["body"] = b"".join(application(environ, start_response))
        return answer

    yield call
    request_started.connect(close_old_connections)


def test_token_api_call_skips_the_browser_only_middleware(serve, make_api_client):
    token = make_api_client()._credentials["HTTP_AUTHORIZATION"]

    answer = serve("/api/v1/ping", HTTP_AUTHORIZATION=token)

    assert answer["status"] == 200
    assert "X-Frame-Options" not in answer["headers"]  # clickjacking middleware left out
    assert answer["headers"]["X-Content-Type-Options"] == "nosniff"  # security middleware kept


def test_token_api_call_keeps_the_clients_language(serve, make_api_client):
    token = make_api_client()._credentials["HTTP_AUTHORIZATION"]

    answer = serve("/api/v1/zipcodes/4000", HTTP_AUTHORIZATION=token, HTTP_ACCEPT_LANGUAGE="nl")

    assert answer["status"] == 404
    assert "Postcode 4000 staat niet in de risicotabel." in answer["body"].decode()


def test_browser_and_tokenless_calls_take_the_whole_middleware_chain(serve):
    admin = serve("/admin/login/")
    tokenless = serve("/api/v1/ping")

    assert admin["status"] == 200
    assert admin["headers"]["X-Frame-Options"] == "DENY"
    assert "csrftoken" in admin["headers"].get("Set-Cookie", "")
    assert (tokenless["status"], tokenless["headers"]["X-Frame-Options"]) == (401, "DENY")


def test_malformed_token_is_refused_on_the_token_chain(serve):
    answer = serve("/api/v1/ping", HTTP_AUTHORIZATION="Token two parts")

    assert answer["status"] == 401
    assert "X-Frame-Options" not in answer["headers"]
