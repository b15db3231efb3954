"""Reads of the health index, served from the cache, with the staleness of each value."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from indices.caching import HEALTH_INDEX_TTL, LATEST_KEY, health_index_key
from indices.models import HealthIndex
from pricing_site.caching import cache_get_or_load
from pricing_site.exceptions import NotFoundError, ServiceUnavailableError

# Statbel publishes month M near the end of M, sometimes a few working days late.
PUBLICATION_GRACE = timedelta(days=7)


@dataclass(frozen=True)
class HealthIndexValue:
    base_year: int
    month: date
    value: Decimal
    stale: bool


def month_start(day: date) -> date:
    return day.replace(day=1)


def previous_month(month: date) -> date:
    return month_start(month - timedelta(days=1))


def latest_expected_month(*, today: date) -> date:
    """The newest month that must be published by *today* (month M is due by early M+1)."""
    return previous_month(month_start(today - PUBLICATION_GRACE))


def is_stale(month: date, *, today: date | None = None) -> bool:
    return month < latest_expected_month(today=today or timezone.localdate())


def health_index_value(*, base_year: int, month: date, value: Decimal) -> HealthIndexValue:
    return HealthIndexValue(base_year, month, value, stale=is_stale(month))


def latest_rows_load() -> list[tuple[int, date, Decimal]]:
    newest = HealthIndex.objects.values("base_year").annotate(month=Max("month"))
    wanted = {(row["base_year"], row["month"]) for row in newest}
    rows = HealthIndex.objects.filter(month__in={month for _, month in wanted}).order_by(
        "base_year"
    )
    return [
        (row.base_year, row.month, row.value)
        for row in rows
        if (row.base_year, row.month) in wanted
    ]


def health_index_list_latest() -> list[HealthIndexValue]:
    """The newest value of every base year Statbel publishes (the set comes from the data)."""
    rows = cache_get_or_load(
        key=LATEST_KEY,
        entity="health_index_latest",
        loader=latest_rows_load,
        timeout=HEALTH_INDEX_TTL,
    )
    if not rows:
        raise ServiceUnavailableError(
            gettext("No health index is stored yet: run `manage.py fetch_health_index`."),
            code="no_health_index",
        )
    return [
        health_index_value(base_year=base, month=month, value=value) for base, month, value in rows
    ]


def base_year_validate(*, base_year: int, latest: list[HealthIndexValue]) -> None:
    valid = [value.base_year for value in latest]
    if base_year not in valid:
        raise NotFoundError(
            gettext("Unknown base year %(year)s; valid: %(valid)s.")
            % {"year": base_year, "valid": ", ".join(map(str, valid))},
            code="unknown_base_year",
            field="base_year",
            extra={"valid": valid},
        )


def health_index_get_latest(*, base_year: int) -> HealthIndexValue:
    """The newest value of one base year."""
    latest = health_index_list_latest()
    base_year_validate(base_year=base_year, latest=latest)
    return next(value for value in latest if value.base_year == base_year)


def health_index_get(*, base_year: int, month: date) -> HealthIndexValue:
    """The value published for one month and base year (quotes re-priced later need it)."""
    month = month_start(month)
    value = cache_get_or_load(
        key=health_index_key(base_year=base_year, month=f"{month:%Y-%m}"),
        entity="health_index",
        loader=lambda: (
            HealthIndex.objects.filter(base_year=base_year, month=month)
            .values_list("value", flat=True)
            .first()
        ),
        timeout=HEALTH_INDEX_TTL,
    )
    if value is None:
        raise NotFoundError(
            gettext("No health index for %(month)s in base %(year)s.")
            % {"month": f"{month:%Y-%m}", "year": base_year},
            code="health_index_not_found",
        )
    return health_index_value(base_year=base_year, month=month, value=value)


def health_index_history(
    *, base_year: int, month_from: date | None = None, month_to: date | None = None
) -> list[HealthIndexValue]:
    """The monthly series of one base year, oldest first, within the months given."""
    base_year_validate(base_year=base_year, latest=health_index_list_latest())
    rows = HealthIndex.objects.filter(base_year=base_year).order_by("month")
    if month_from:
        rows = rows.filter(month__gte=month_start(month_from))
    if month_to:
        rows = rows.filter(month__lte=month_start(month_to))
    return [
        health_index_value(base_year=base_year, month=month, value=value)
        for month, value in rows.values_list("month", "value")
    ]
