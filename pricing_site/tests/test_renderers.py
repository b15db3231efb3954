"""The JSON renderer writes what DRF's standard-library renderer writes, only faster."""

import datetime
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer

from pricing_site.renderers import JSONBodyRenderer

ANSWERS = [
    {
        "id": 7,
        "premium": "299.33",
        "ratio": 0.12267852312719131,
        "fleet": False,
        "rule": None,
        "steps": [{"step": "zone", "uses": {"factor": "1.41", "zipcode": 1000}}],
        "brand": "Citroën €",
    },
    {"amount": Decimal("12.50"), "message": gettext_lazy("Not found.")},
    {
        "created_at": datetime.datetime(2026, 12, 1, 5, 14, 2, 549839, tzinfo=datetime.UTC),
        "in_brussels": datetime.datetime(2026, 12, 1, 6, 0, tzinfo=ZoneInfo("Europe/Brussels")),
        "month": datetime.date(2026, 6, 1),
    },
    {"code": "invalid", "fields": [{"field": "zipcode", "message": ErrorDetail("Too big.")}]},
    {"note": "line\u2028separator\u2029paragraph"},  # escaped, as DRF does
    {"power": 2**70},  # beyond orjson's 64 bits: DRF's renderer writes it
    {1000: "A"},  # a key that is not a string: DRF's renderer writes "1000"
    ("a", "tuple"),
    None,
]


@pytest.mark.parametrize("data", ANSWERS, ids=range(len(ANSWERS)))
def test_json_body_renderer_writes_what_drf_writes(data):
    assert JSONBodyRenderer().render(data) == JSONRenderer().render(data)


def test_json_body_renderer_indents_as_drf_when_asked():
    data = {"premium": "299.33", "steps": [1, 2]}
    media_type = "application/json; indent=2"
    rendered = JSONBodyRenderer().render(data, media_type)
    assert rendered == JSONRenderer().render(data, media_type)
    assert b"\n  " in rendered


def test_json_body_renderer_writes_not_a_number_as_null():
    # DRF's strict renderer refuses NaN (a 500 for the client); null says "no value" in JSON.
    assert json.loads(JSONBodyRenderer().render({"predictions": [float("nan"), 1.5]})) == {
        "predictions": [None, 1.5]
    }


def test_the_api_answers_with_the_json_body_renderer(api_client):
    response = api_client.get("/api/v1/ping", HTTP_ACCEPT="application/json; indent=4")
    assert isinstance(response.accepted_renderer, JSONBodyRenderer)
    assert response.content.startswith(b"{\n    ")
