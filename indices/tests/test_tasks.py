"""The scheduled Statbel fetch."""

import pytest
from django.conf import settings

from indices import tasks
from indices.models import HealthIndex

pytestmark = pytest.mark.django_db


def test_health_index_refresh_task_stores_fetched_values(statbel, bestat_url, bestat_payload):
    statbel.get(bestat_url, json=bestat_payload)

    result = tasks.health_index_refresh.apply().get()

    assert result.startswith("10 new")
    assert HealthIndex.objects.count() == 10


def test_health_index_refresh_is_scheduled_daily_at_a_quarter_past_seven():
    entry = settings.CELERY_BEAT_SCHEDULE["health-index-refresh"]
    schedule = entry["schedule"]

    assert entry["task"] == tasks.health_index_refresh.name
    # Every day of every month, once: 07:15 Brussels time (CELERY_TIMEZONE).
    assert (schedule.hour, schedule.minute) == ({7}, {15})
    assert len(schedule.day_of_week) == 7
    assert len(schedule.day_of_month) == 31
    assert settings.CELERY_TIMEZONE == "Europe/Brussels"
