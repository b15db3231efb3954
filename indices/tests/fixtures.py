"""Shared test fixtures: recorded Statbel answers served by `responses`, the demo index history."""

import json
from pathlib import Path

import pytest
import responses
from django.conf import settings

RECORDED = Path(__file__).parent / "recorded"
HISTORY_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "health_index_history.txt"


@pytest.fixture
def bestat_url(settings) -> str:
    settings.PRICING_STATBEL_RETRIES = 0  # The retry policy is tested on its own.
    return f"{settings.PRICING_STATBEL_BASE_URL}/{settings.PRICING_STATBEL_VIEW_ID}/result/JSON"


@pytest.fixture
def bestat_payload() -> dict:
    return json.loads((RECORDED / "bestat-health-by-base.json").read_text())


@pytest.fixture
def statbel():
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def demo_history(db, django_capture_on_commit_callbacks):
    from indices.services import health_index_load_history

    with django_capture_on_commit_callbacks(execute=True):
        return health_index_load_history(path=HISTORY_FIXTURE)
