"""The health-index admin: read-only list, charts, fetch button."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from indices.models import HealthIndex, HealthIndexFetch

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(User.objects.create_superuser("boss", password="x"))
    return client


def test_health_index_chart_shows_one_picture_per_base_year(staff, demo_history):
    response = staff.get(reverse("admin:indices_healthindex_chart"))

    assert response.status_code == 200
    assert response.text.count('class="health-index-chart"') == 5


def test_health_index_changelist_is_read_only(staff, demo_history):
    response = staff.get(reverse("admin:indices_healthindex_changelist"), {"base_year": 2013})

    assert response.status_code == 200
    assert "Fetch now from Statbel" in response.text
    assert "Add health index value" not in response.text


def test_fetch_button_queues_a_fetch_whose_result_staff_read_in_the_list(
    staff, demo_history, statbel, bestat_url, bestat_payload, django_capture_on_commit_callbacks
):
    statbel.get(bestat_url, json=bestat_payload)

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = staff.post(reverse("admin:indices_healthindex_fetch"))
    page = staff.get(reverse("admin:indices_healthindex_changelist")).text

    assert response.status_code == 302  # answered before Statbel was asked
    assert len(queued) == 1  # the fetch itself runs on a worker once the request committed
    assert HealthIndexFetch.objects.get().state == "done"
    assert "Recent fetches from Statbel" in page
    assert str(HealthIndexFetch.objects.get().report) in page


def test_a_failed_fetch_is_reported_and_keeps_the_values(
    staff, demo_history, statbel, bestat_url, django_capture_on_commit_callbacks
):
    statbel.get(bestat_url, status=500, body="")
    before = HealthIndex.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("admin:indices_healthindex_fetch"))
    page = staff.get(reverse("admin:indices_healthindex_changelist")).text

    assert "Failed, nothing changed" in page
    assert "HTTP 500" in page
    assert HealthIndex.objects.count() == before
