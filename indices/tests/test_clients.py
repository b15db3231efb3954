"""The Statbel client on recorded answers: the happy path and every failure mode."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from django.conf import settings
from urllib3 import HTTPResponse

from indices.clients import (
    StatbelFormatError,
    health_index_history_parse,
    statbel_health_index_fetch,
    statbel_session,
)
from pricing_site.exceptions import UpstreamUnavailableError

SHARED_XLSX = (
    Path(settings.PRICING_SHARED_DIR) / "statbel" / "recorded" / "cpi-all-base-years-2018-2021.xlsx"
)


def test_statbel_health_index_fetch_reads_every_base_year(statbel, bestat_url, bestat_payload):
    statbel.get(bestat_url, json=bestat_payload)

    observations = statbel_health_index_fetch()

    by_key = {(o.month, o.base_year): o.value for o in observations}
    assert by_key[(date(2024, 10, 1), 2013)] == Decimal("132.96")  # float noise rounded
    assert by_key[(date(2024, 10, 1), 1996)] == Decimal("182.69")
    assert by_key[(date(2026, 7, 1), 2025)] == Decimal("103.24")
    assert {o.base_year for o in observations} == {1988, 1996, 2004, 2013, 2025}
    assert "pricing_site" in statbel.calls[0].request.headers["User-Agent"]


def test_statbel_health_index_fetch_raises_upstream_error_when_timeout(statbel, bestat_url):
    statbel.get(bestat_url, body=requests.Timeout("read timed out"))

    with pytest.raises(UpstreamUnavailableError, match="Timeout"):
        statbel_health_index_fetch()


def test_statbel_health_index_fetch_raises_upstream_error_when_500(statbel, bestat_url):
    statbel.get(bestat_url, status=500, body="")

    with pytest.raises(UpstreamUnavailableError, match="HTTP 500"):
        statbel_health_index_fetch()


def test_statbel_health_index_fetch_retries_with_exponential_backoff(
    statbel, bestat_url, settings, bestat_payload
):
    settings.PRICING_STATBEL_RETRIES = 3
    for _ in range(3):
        statbel.get(bestat_url, status=503, body="")
    statbel.get(bestat_url, json=bestat_payload)

    assert statbel_health_index_fetch()
    assert len(statbel.calls) == 4
    # `responses` does not sleep, so read the waits off the session's retry policy: urllib3
    # retries the first failure at once, then waits 0.5 s × 2^(n-1) after the n-th.
    retry = statbel_session().get_adapter(bestat_url).max_retries
    waits = []
    for _ in range(3):
        retry = retry.increment(method="GET", url=bestat_url, response=HTTPResponse(status=503))
        waits.append(retry.get_backoff_time())
    assert waits == [0, 1.0, 2.0]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"body": "<html>Maintenance</html>", "content_type": "text/html"}, "instead of JSON"),
        ({"body": '{"facts": [', "content_type": "application/json"}, "not valid JSON"),
        ({"json": {"data": []}}, "no `facts` list"),
        ({"json": {"facts": []}}, "empty window"),
        ({"json": {"facts": [{"Month": "July 2026", "Base year": "2013 = 100"}]}}, "Health index"),
        (
            {
                "json": {
                    "facts": [
                        {"Month": "July 2026", "Base year": "2013 = 100", "Health index": 1391.5}
                    ]
                }
            },
            "outside the plausible",
        ),
        (
            {
                "json": {
                    "facts": [
                        {"Month": "July 2026", "Base year": "2013 = 100", "Health index": "n/a"}
                    ]
                }
            },
            "not a number",
        ),
        (
            {
                "json": {
                    "facts": [
                        {"Month": "Juillet 2026", "Base year": "2013 = 100", "Health index": 139}
                    ]
                }
            },
            "not a month",
        ),
        (
            {"json": {"facts": [{"Month": "July 2026", "Base year": "2013", "Health index": 139}]}},
            "not a base year",
        ),
        ({"status": 404, "json": {}}, "HTTP 404"),
    ],
    ids=[
        "html",
        "malformed-json",
        "no-facts",
        "empty",
        "missing-field",
        "absurd",
        "non-numeric",
        "unknown-month",
        "bad-base",
        "404",
    ],
)
def test_statbel_health_index_fetch_names_what_is_wrong(statbel, bestat_url, answer, message):
    statbel.get(bestat_url, **answer)

    with pytest.raises(StatbelFormatError, match=message):
        statbel_health_index_fetch()


def test_health_index_history_parse_reads_txt_layout(tmp_path):
    path = tmp_path / "cpi.txt"
    path.write_text(
        "\ufeffNM_YR|NM_MTH|MS_CPI_IDX|MS_WITHOUT_ENE_IDX|MS_WITHOUT_PTRL_IDX|MS_WT_CPI|MS_CPI_INFL"
        "|MS_HLTH_IDX|MS_SMOOTH_IDX|NM_BASE_YR\n"
        "2020|12|25160.98|||1000||||1914\n"
        "2020|12|109.01|||1000|0.0041|110.1|109.2|2013\n",
        encoding="utf-8",
    )

    assert [(o.month, o.base_year, o.value) for o in health_index_history_parse(path)] == [
        (date(2020, 12, 1), 2013, Decimal("110.10"))
    ]


def test_health_index_history_parse_refuses_file_without_health_column(tmp_path):
    path = tmp_path / "cpi.txt"
    path.write_text("NM_YR|NM_MTH|NM_BASE_YR\n2020|1|2013\n")

    with pytest.raises(StatbelFormatError, match="MS_HLTH_IDX"):
        health_index_history_parse(path)


@pytest.mark.skipif(not SHARED_XLSX.exists(), reason="../shared/statbel is absent")
def test_health_index_history_parse_reads_statbel_xlsx():
    observations = health_index_history_parse(SHARED_XLSX)

    by_key = {(o.month, o.base_year): o.value for o in observations}
    assert by_key[(date(2020, 8, 1), 2013)] == Decimal("110.20")
    assert by_key[(date(2021, 1, 1), 2013)] > Decimal("100")
