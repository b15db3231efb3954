"""`fetch_health_index`: what changed on stdout, non-zero exit on failure."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from indices.models import HealthIndex
from indices.tests.fixtures import HISTORY_FIXTURE

pytestmark = pytest.mark.django_db


def test_fetch_health_index_loads_history_file():
    out = StringIO()

    call_command("fetch_health_index", "--history", str(HISTORY_FIXTURE), stdout=out)

    assert out.getvalue().startswith(f"{HealthIndex.objects.count()} new, 0 revised")


def test_fetch_health_index_prints_changes(demo_history, statbel, bestat_url, bestat_payload):
    bestat_payload["facts"][0]["Health index"] = 220.5  # a revision of 2024-09 base 1988
    statbel.get(bestat_url, json=bestat_payload)
    out = StringIO()

    call_command("fetch_health_index", stdout=out)

    assert "1 revised (2024-09 base 1988: " in out.getvalue()


def test_fetch_health_index_fails_when_statbel_down(demo_history, statbel, bestat_url):
    statbel.get(bestat_url, status=502, body="")

    with pytest.raises(CommandError, match=r"HTTP 502.*Nothing was changed"):
        call_command("fetch_health_index")
