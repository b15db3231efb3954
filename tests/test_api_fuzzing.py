"""Fuzzing every API operation from its own OpenAPI schema (schemathesis): no 5xx, and every
answer has a documented status code, content type and body shape."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from pricing_site.wsgi import application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 40


# Loaded once at collection: the schema view is public and reads no table.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture(autouse=True)
def in_process_requests(db, pricing_world):  # type: ignore[no-untyped-def]
    """Requests run in this process inside the test's transaction: like Django's test client,
    keep the request signals from closing that connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(make_api_client) -> str:  # type: ignore[no-untyped-def]
    client = make_api_client(
        "strategies.add_quote",
        "mlmodels.add_dataset",
        "mlmodels.add_modelversion",
        "mlmodels.promote_modelversion",
    )
    return client._credentials["HTTP_AUTHORIZATION"]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_operation_conforms_to_its_schema(case, token):
    case.call_and_validate(headers={"Authorization": token}, checks=CHECKS)
