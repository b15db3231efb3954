"""Writes of the health index: store what Statbel published, never delete it."""

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from indices.caching import health_index_cache_clear
from indices.clients import (
    HealthIndexObservation,
    health_index_history_parse,
    statbel_health_index_fetch,
)
from indices.models import HealthIndex, HealthIndexFetch
from indices.signals import health_index_latest_changed
from pricing_site.exceptions import ApplicationError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class HealthIndexStoreReport:
    created: int
    revised: list[str]
    unchanged: int

    def __str__(self) -> str:
        revised = f" ({', '.join(self.revised)})" if self.revised else ""
        return (
            f"{self.created} new, {len(self.revised)} revised{revised}, "
            f"{self.unchanged} unchanged health index value(s)."
        )


def latest_by_base_year() -> dict[int, dict[str, str]]:
    """The latest month and its value of each base year, as the change log records them."""
    months = HealthIndex.objects.values("base_year").annotate(latest=Max("month"))
    wanted = Q()
    for row in months:
        wanted |= Q(base_year=row["base_year"], month=row["latest"])
    rows = HealthIndex.objects.filter(wanted) if months else HealthIndex.objects.none()
    return {row.base_year: {"month": f"{row.month:%Y-%m}", "value": str(row.value)} for row in rows}


@transaction.atomic
def health_index_store(
    *, observations: list[HealthIndexObservation], source: str
) -> HealthIndexStoreReport:
    """Upsert published values; a revision is kept in the history and logged, nothing deleted."""
    now = timezone.now()
    latest_before = latest_by_base_year()
    stored = {
        (row.base_year, row.month): row
        for row in HealthIndex.objects.select_for_update().filter(
            month__in={observation.month for observation in observations}
        )
    }
    to_create: list[HealthIndex] = []
    revised: list[HealthIndex] = []
    revisions: list[str] = []
    for observation in observations:
        row = stored.get((observation.base_year, observation.month))
        if row is None:
            to_create.append(
                HealthIndex(
                    month=observation.month,
                    base_year=observation.base_year,
                    value=observation.value,
                    source=source,
                    fetched_at=now,
                )
            )
        elif row.value != observation.value:
            label = f"{observation.month:%Y-%m} base {observation.base_year}"
            revisions.append(f"{label}: {row.value} -> {observation.value}")
            logger.warning(
                "health index revised",
                extra={"month": label, "old": str(row.value), "new": str(observation.value)},
            )
            row.value, row.source, row.fetched_at = observation.value, source, now
            revised.append(row)
    bulk_create_with_history(to_create, HealthIndex, batch_size=1000)
    bulk_update_with_history(revised, HealthIndex, ["value", "source", "fetched_at"])
    changed = [(row.base_year, f"{row.month:%Y-%m}") for row in to_create + revised]
    if changed:
        transaction.on_commit(lambda: health_index_cache_clear(months=changed))
        latest_after = latest_by_base_year()
        moved = [
            {"base_year": base, "before": latest_before.get(base, {}), "after": after}
            for base, after in sorted(latest_after.items())
            if latest_before.get(base) != after
        ]
        if moved:
            health_index_latest_changed.send(sender=HealthIndex, changes=moved)
    return HealthIndexStoreReport(
        created=len(to_create),
        revised=revisions,
        unchanged=len(observations) - len(to_create) - len(revised),
    )


def health_index_refresh() -> HealthIndexStoreReport:
    """Fetch Statbel's recent months and store them; an outage or bad answer stores nothing."""
    observations = statbel_health_index_fetch()
    return health_index_store(observations=observations, source=HealthIndex.Source.BESTAT)


def health_index_fetch_request(*, requested_by: Any = None) -> HealthIndexFetch:
    """Queue a fetch from Statbel for a worker; its outcome is stored on the returned row."""
    from indices import tasks  # Tasks import services: import here to keep the graph acyclic.

    fetch = HealthIndexFetch.objects.create(requested_by=requested_by)
    transaction.on_commit(lambda: tasks.health_index_fetch_run.delay(fetch.pk))
    return fetch


def health_index_fetch_run(*, fetch_id: int) -> HealthIndexFetch:
    """Run a queued fetch and record what it stored, or why it stored nothing."""
    fetches = HealthIndexFetch.objects.filter(pk=fetch_id)
    fetches.update(state=HealthIndexFetch.State.RUNNING)
    try:
        report = health_index_refresh()
    except ApplicationError as error:
        fetches.update(
            state=HealthIndexFetch.State.FAILED, error=error.message, finished_at=timezone.now()
        )
    else:
        fetches.update(
            state=HealthIndexFetch.State.DONE, report=str(report), finished_at=timezone.now()
        )
    return fetches.get()


def health_index_load_history(*, path: Path) -> HealthIndexStoreReport:
    """Seed or complete the history from Statbel's all-base-years file."""
    observations = health_index_history_parse(path)
    return health_index_store(observations=observations, source=HealthIndex.Source.HISTORY_FILE)
