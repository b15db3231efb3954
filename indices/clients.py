"""Statbel, the only outside service: the beSTAT JSON view and the full-history file.

Parsing is strict about what we need (month, base year, a plausible value) and names what was
wrong; it never guesses a month or a base year.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from pricing_site.exceptions import ApplicationError, UpstreamUnavailableError

USER_AGENT = "pricing_site/1.0 (health index client; +https://github.com/pricing-site)"
# A modern health-index value outside this range means a misread column, not a price level.
PLAUSIBLE_VALUES = (Decimal("50"), Decimal("250"))
CENT = Decimal("0.01")
MONTH_NAMES = {
    name: number
    for names in (
        "january february march april may june july august september october november december",
        "januari februari maart april mei juni juli augustus september oktober november december",
    )
    for number, name in enumerate(names.split(), start=1)
}
BASE_YEAR_LABEL = re.compile(r"^(\d{4})\s*=\s*100$")
HISTORY_COLUMNS = ("NM_YR", "NM_MTH", "MS_HLTH_IDX", "NM_BASE_YR")
HISTORY_SHEET = "TA_ALL_BASE_YR"


class StatbelFormatError(ApplicationError):
    """Statbel answered, but not with what we can read: nothing is stored."""

    default_code = "statbel_bad_response"


@dataclass(frozen=True)
class HealthIndexObservation:
    month: date
    base_year: int
    value: Decimal


def value_parse(raw: Any, *, where: str) -> Decimal:
    """Round Statbel's float noise (132.9600000000005) half-up to the published two decimals."""
    try:
        value = Decimal(str(raw)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError) as error:
        raise StatbelFormatError(f"{where}: the health index {raw!r} is not a number.") from error
    low, high = PLAUSIBLE_VALUES
    if not low <= value <= high:
        raise StatbelFormatError(
            f"{where}: the health index {value} is outside the plausible {low}-{high}."
        )
    return value


def statbel_session() -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    retry = Retry(
        total=settings.PRICING_STATBEL_RETRIES,
        backoff_factor=0.5,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=("GET",),
        raise_on_status=False,
    )
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.mount("http://", HTTPAdapter(max_retries=retry))
    return session


def statbel_health_index_fetch() -> list[HealthIndexObservation]:
    """The health index of every base year in the beSTAT view's window of recent months."""
    url = f"{settings.PRICING_STATBEL_BASE_URL}/{settings.PRICING_STATBEL_VIEW_ID}/result/JSON"
    try:
        response = statbel_session().get(url, timeout=settings.PRICING_STATBEL_TIMEOUT_S)
    except requests.RequestException as error:
        raise UpstreamUnavailableError(
            f"Statbel is unreachable ({error.__class__.__name__}); stored values are kept."
        ) from error
    if response.status_code >= 500:
        raise UpstreamUnavailableError(
            f"Statbel answered HTTP {response.status_code}; stored values are kept."
        )
    if response.status_code != 200:
        raise StatbelFormatError(f"Statbel answered HTTP {response.status_code} for {url}.")
    content_type = response.headers.get("Content-Type", "")
    if "json" not in content_type:
        raise StatbelFormatError(
            f"Statbel answered {content_type or 'no content type'} instead of JSON "
            "(an error page?)."
        )
    try:
        payload = response.json()
    except ValueError as error:
        raise StatbelFormatError("Statbel's answer is not valid JSON.") from error
    return bestat_facts_parse(payload)


def bestat_facts_parse(payload: Any) -> list[HealthIndexObservation]:
    """Read the `facts` of an English beSTAT health-index view (keys named by their labels)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("facts"), list):
        raise StatbelFormatError("Statbel's answer has no `facts` list.")
    observations = []
    for number, fact in enumerate(payload["facts"], start=1):
        where = f"fact {number}"
        if not isinstance(fact, dict):
            raise StatbelFormatError(f"{where} is not an object.")
        missing = [key for key in ("Month", "Base year", "Health index") if key not in fact]
        if missing:
            raise StatbelFormatError(f"{where} lacks the field(s) {', '.join(missing)}.")
        if fact["Month"] is None or fact["Health index"] is None:
            continue  # Trailing rows without a month, and months before a base's series began.
        observations.append(
            HealthIndexObservation(
                month=month_label_parse(fact["Month"], where=where),
                base_year=base_year_label_parse(fact["Base year"], where=where),
                value=value_parse(fact["Health index"], where=where),
            )
        )
    if not observations:
        raise StatbelFormatError("Statbel's answer holds no health-index value (empty window).")
    return observations


def month_label_parse(label: Any, *, where: str) -> date:
    parts = str(label).split()
    if len(parts) == 2 and parts[0].lower() in MONTH_NAMES and parts[1].isdigit():
        return date(int(parts[1]), MONTH_NAMES[parts[0].lower()], 1)
    raise StatbelFormatError(f"{where}: {label!r} is not a month like 'October 2024'.")


def base_year_label_parse(label: Any, *, where: str) -> int:
    match = BASE_YEAR_LABEL.match(str(label).strip())
    if not match:
        raise StatbelFormatError(f"{where}: {label!r} is not a base year like '2013 = 100'.")
    return int(match[1])


def health_index_history_parse(path: Path) -> list[HealthIndexObservation]:
    """Read Statbel's "CPI All base years" file (pipe-delimited TXT or XLSX), columns by name."""
    if path.suffix.lower() == ".xlsx":
        rows = xlsx_rows(path)
    else:
        text = path.read_text(encoding="utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter="|"))
    if not rows:
        raise StatbelFormatError(f"{path.name} is empty.")
    header = [str(cell).strip() for cell in rows[0]]
    missing = [column for column in HISTORY_COLUMNS if column not in header]
    if missing:
        raise StatbelFormatError(f"{path.name} lacks the column(s) {', '.join(missing)}.")
    year, month, value, base = (header.index(column) for column in HISTORY_COLUMNS)
    observations = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) < len(header) or row[value] in ("", None):
            continue  # CPI-only bases and months leave the health index empty.
        where = f"{path.name} line {number}"
        try:
            observed = date(int(row[year]), int(row[month]), 1)
            base_year = int(row[base])
        except (TypeError, ValueError) as error:
            raise StatbelFormatError(
                f"{where}: year, month or base year is not a number."
            ) from error
        observations.append(
            HealthIndexObservation(observed, base_year, value_parse(row[value], where=where))
        )
    if not observations:
        raise StatbelFormatError(f"{path.name} holds no health-index value.")
    return observations


def xlsx_rows(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    if HISTORY_SHEET not in workbook.sheetnames:
        raise StatbelFormatError(f"{path.name} has no sheet {HISTORY_SHEET}.")
    return [list(row) for row in workbook[HISTORY_SHEET].iter_rows(values_only=True)]
