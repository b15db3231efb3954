"""The API docs work under the Content-Security-Policy every page sends (the `page` fixture
fails a test on any violation): Swagger UI loads its script from our own static files."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_under_the_policy(page, live_server):
    page.goto(f"{live_server.url}/api/docs/")

    page.wait_for_selector(".swagger-ui .info .title")
    assert "pricing_site API" in page.inner_text(".swagger-ui .info .title")
