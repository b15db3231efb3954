"""The health-index admin: read-only list, charts, fetch button."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

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


def test_health_index_fetch_button_reports_failure_and_keeps_values(
    staff, demo_history, statbel, bestat_url
):
    statbel.get(bestat_url, status=500, body="")

    response = staff.post(reverse("admin:indices_healthindex_fetch"), follow=True)

    assert "Fetch failed, nothing changed" in response.text
