"""Faults of the parts around the API: the database unreachable answers 503, then recovers."""

import socket
import time
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from tariffs.tests.fixtures import QUOTE
from zipcodes.models import RiskClass
from zipcodes.services import zipcode_load_csv

# Committed transactions, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def risk_class_c() -> None:
    """The class the tests' zipcode needs (an earlier transactional test may have flushed the
    classes the migrations create)."""
    RiskClass.objects.get_or_create(code="C", defaults={"factor": Decimal("1.35")})


def closed_port() -> int:
    """A local port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def database_down() -> Iterator[Callable[[], None]]:
    """The API's database connection pointed at a closed port until the test ends."""
    port = connection.settings_dict["PORT"]

    def down() -> None:
        connection.close()
        connection.settings_dict["PORT"] = closed_port()

    yield down
    connection.close()
    connection.settings_dict["PORT"] = port


def assert_database_unavailable(response) -> None:
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "database_unavailable"


def test_cold_read_answers_503_within_a_second_while_the_database_is_down(
    database_down, api_client
):
    zipcode_load_csv(lines=["1000,C"])
    url = reverse("api:zipcodes:detail", kwargs={"zipcode": 1000})
    database_down()

    started = time.perf_counter()
    response = api_client.get(url)

    assert time.perf_counter() - started < 1
    assert_database_unavailable(response)


def test_quote_answers_503_while_the_database_is_down_and_201_once_it_is_back(
    database_down, make_api_client, quoting
):
    quoter = make_api_client("tariffs.add_quote")
    assert quoter.post(reverse("api:tariffs:quotes"), QUOTE, format="json").status_code == 201
    port = connection.settings_dict["PORT"]
    database_down()

    assert_database_unavailable(quoter.post(reverse("api:tariffs:quotes"), QUOTE, format="json"))

    connection.close()
    connection.settings_dict["PORT"] = port
    assert quoter.post(reverse("api:tariffs:quotes"), QUOTE, format="json").status_code == 201
