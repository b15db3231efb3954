"""Background jobs of the mlmodels app: training runs, and failing jobs whose worker died."""

from celery import shared_task
from django.conf import settings

from mlmodels.services import jobs


@shared_task(acks_late=True, reject_on_worker_lost=True)
def training_job_run(job_id: str) -> str:
    job = jobs.training_job_run(job_id=job_id)
    return f"{job_id}: {job.state if job else 'unknown job'}"


@shared_task(soft_time_limit=60, time_limit=90)
def training_jobs_fail_stale() -> int:
    return jobs.training_jobs_fail_stale(
        running_longer_than_seconds=settings.CELERY_TASK_TIME_LIMIT
    )
