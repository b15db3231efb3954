"""Background jobs of the indices app: the daily Statbel fetch (scheduled by beat)."""

import logging

from celery import shared_task

from indices import services
from pricing_site.exceptions import UpstreamUnavailableError

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(UpstreamUnavailableError,),
    retry_backoff=60,
    max_retries=5,
    soft_time_limit=120,
    time_limit=180,
)
def health_index_refresh() -> str:
    report = services.health_index_refresh()
    logger.info("health index refreshed: %s", report)
    return str(report)


@shared_task(soft_time_limit=120, time_limit=180)
def health_index_fetch_run(fetch_id: int) -> str:
    """A fetch staff asked for in the admin: its outcome goes on its row, for them to read."""
    return services.health_index_fetch_run(fetch_id=fetch_id).state
