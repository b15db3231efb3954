"""Reads of the health index: latest per base year, staleness, cache."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from indices.clients import HealthIndexObservation
from indices.models import HealthIndex
from indices.selectors import (
    health_index_get,
    health_index_get_latest,
    health_index_list_latest,
    latest_expected_month,
)
from indices.services import health_index_store
from pricing_site.exceptions import ApplicationError, NotFoundError, ServiceUnavailableError

pytestmark = pytest.mark.django_db


def test_health_index_list_latest_gives_newest_month_of_each_base(demo_history):
    latest = {value.base_year: (value.month, value.value) for value in health_index_list_latest()}

    assert latest[2013] == (date(2026, 6, 1), Decimal("139.08"))
    assert latest[2025] == (date(2026, 7, 1), Decimal("103.24"))
    assert latest[1996] == (date(2024, 10, 1), Decimal("182.69"))


def test_health_index_get_latest_refuses_unknown_base_year(demo_history):
    with pytest.raises(ApplicationError) as raised:
        health_index_get_latest(base_year=2020)

    assert raised.value.code == "unknown_base_year"
    assert raised.value.extra["valid"] == [1988, 1996, 2004, 2013, 2025]


def test_health_index_list_latest_raises_503_error_when_nothing_stored():
    with pytest.raises(ServiceUnavailableError) as raised:
        health_index_list_latest()

    assert raised.value.code == "no_health_index"


def test_health_index_list_latest_reads_database_once(demo_history, django_assert_num_queries):
    health_index_list_latest()

    with django_assert_num_queries(0):
        health_index_get_latest(base_year=2013)


def test_health_index_get_returns_one_month_from_cache(demo_history, django_assert_num_queries):
    assert health_index_get(base_year=2013, month=date(2020, 8, 1)).value == Decimal("110.20")
    with django_assert_num_queries(0):
        health_index_get(base_year=2013, month=date(2020, 8, 15))
    with pytest.raises(NotFoundError):
        health_index_get(base_year=2013, month=date(1980, 1, 1))


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 24), date(2026, 10, 1)),  # October was published on October 29
        (date(2026, 12, 5), date(2026, 10, 1)),  # November's release may still be a few days late
        (date(2026, 12, 8), date(2026, 11, 1)),
        (date(2027, 1, 3), date(2026, 11, 1)),
    ],
)
def test_latest_expected_month_follows_publication_calendar(today, expected):
    assert latest_expected_month(today=today) == expected


def test_health_index_get_latest_is_stale_when_newer_month_overdue(demo_history):
    # The demo history ends in 2026-06 for base 2013, long before the month due today.
    assert health_index_get_latest(base_year=2013).stale is True


def test_health_index_get_latest_is_fresh_once_due_month_is_stored(
    demo_history, django_capture_on_commit_callbacks
):
    due = latest_expected_month(today=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        health_index_store(
            observations=[HealthIndexObservation(due, 2013, Decimal("140.00"))],
            source=HealthIndex.Source.BESTAT,
        )

    latest = health_index_get_latest(base_year=2013)

    assert (latest.month, latest.value, latest.stale) == (due, Decimal("140.00"), False)
