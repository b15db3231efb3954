"""Training jobs: queued by the API, run by a Celery worker, each request run at most once."""

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from mlmodels.models import Dataset, Estimator, ModelVersion, Task, TrainingJob
from mlmodels.pipelines import params_validate
from mlmodels.selectors import (
    model_version_comparison_get,
    model_version_factor_charts_get,
    model_version_get_production,
)
from mlmodels.services.training import model_version_train
from pricing_site.exceptions import ApplicationError, ConflictError, NotFoundError
from pricing_site.idempotency import Idempotency, idempotency_check
from pricing_site.metrics import JOB_OUTCOMES

logger = logging.getLogger(__name__)

WORKER_LOST = "The worker running this job stopped before it finished; nothing was stored."


def training_job_enqueue(job: TrainingJob) -> None:
    from mlmodels import tasks  # Tasks import services: import here to keep the graph acyclic.

    job_id = str(job.pk)
    transaction.on_commit(lambda: tasks.training_job_run.delay(job_id))


@transaction.atomic
def training_job_create(
    *,
    dataset_id: int,
    task: str,
    estimator: str,
    params: dict[str, Any],
    requested_by: Any,
    idempotency: Idempotency | None = None,
) -> tuple[TrainingJob, bool]:
    """Queue a training run; the same idempotency key and body from the same client returns its
    job (the key with another body is refused)."""
    idempotency = idempotency or Idempotency(key="", fingerprint="")
    key = idempotency.key
    by_key = TrainingJob.objects.filter(requested_by=requested_by, idempotency_key=key)
    if key and (existing := by_key.first()):
        idempotency_check(existing.request_fingerprint, idempotency)
        return existing, False
    if task not in Task.values or estimator not in Estimator.values:
        raise ApplicationError(
            gettext("Unknown task %(task)r or estimator %(estimator)r.")
            % {"task": task, "estimator": estimator},
            code="invalid",
        )
    # Checked at submission: a job that could train for hours is refused before it is queued.
    params_validate(task=task, estimator=estimator, params=params)
    dataset = Dataset.objects.filter(pk=dataset_id).first()
    if dataset is None:
        raise NotFoundError(
            gettext("There is no dataset %(id)s.") % {"id": dataset_id},
            code="dataset_not_found",
            field="dataset",
        )
    try:
        with transaction.atomic():
            job = TrainingJob.objects.create(
                dataset=dataset,
                task=task,
                estimator=estimator,
                params=params,
                requested_by=requested_by,
                idempotency_key=key,
                request_fingerprint=idempotency.fingerprint,
            )
    except IntegrityError:  # The same key sent twice at the same moment: one job.
        existing = by_key.get()
        idempotency_check(existing.request_fingerprint, idempotency)
        return existing, False
    training_job_enqueue(job)
    return job, True


def training_job_finish(job: TrainingJob, *, error: str = "", **changes: Any) -> None:
    state = TrainingJob.State.FAILED if error else TrainingJob.State.SUCCEEDED
    TrainingJob.objects.filter(pk=job.pk).update(
        state=state, error=error, finished_at=timezone.now(), **changes
    )
    JOB_OUTCOMES.labels(job="training", outcome=state).inc()


def training_job_run(*, job_id: str) -> TrainingJob | None:
    """Run a queued job once; a job found running again means its worker died: it fails."""
    with transaction.atomic():
        job = (
            TrainingJob.objects.select_for_update()
            .select_related("dataset")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.state in (TrainingJob.State.SUCCEEDED, TrainingJob.State.FAILED):
            return job  # Already done: a redelivered message must not train twice.
        if job.state == TrainingJob.State.RUNNING:
            training_job_finish(job, error=WORKER_LOST)
            job.refresh_from_db()
            return job
        job.state, job.started_at, job.attempts = (
            TrainingJob.State.RUNNING,
            timezone.now(),
            job.attempts + 1,
        )
        job.progress, job.step, job.error = 0, "starting", ""
        job.save(update_fields=["state", "started_at", "attempts", "progress", "step", "error"])

    def progress(percent: int, step: str) -> None:
        TrainingJob.objects.filter(pk=job.pk).update(progress=percent, step=step[:200])

    try:
        version = model_version_train(
            dataset=job.dataset,
            task=job.task,
            estimator=job.estimator,
            params=job.params,
            trained_by=job.requested_by,
            progress=progress,
        )
    except Exception as error:
        logger.exception("training job failed", extra={"job_id": str(job.pk)})
        reason = (
            error.message
            if isinstance(error, ApplicationError)
            else f"{type(error).__name__}: {error}"
        )
        training_job_finish(job, error=reason)
    else:
        training_job_finish(job, model_version=version, progress=100)
        comparison_prepare(version)
    job.refresh_from_db()
    return job


def comparison_prepare(version: ModelVersion) -> None:
    """Compare the new version with production and draw its rating factors now, in the worker,
    so that the model page staff open next shows both at once; without a production version
    there is nothing to compare."""
    for language, _name in settings.LANGUAGES:  # staff read the charts in their language
        with translation.override(language):
            model_version_factor_charts_get(version=version)
    try:
        production = model_version_get_production(task=version.task)
        model_version_comparison_get(version=version, production=production)
    except (ApplicationError, OSError) as error:
        logger.info("no comparison prepared", extra={"version": version.pk, "reason": str(error)})


@transaction.atomic
def training_job_retry(*, job: TrainingJob) -> TrainingJob:
    """Queue a failed job again."""
    job = TrainingJob.objects.select_for_update().get(pk=job.pk)
    if job.state != TrainingJob.State.FAILED:
        raise ConflictError(
            gettext("Only a failed job can be retried; this one is %(state)s.")
            % {"state": job.get_state_display()},
            code="job_not_failed",
        )
    job.state, job.progress, job.step, job.error, job.finished_at = (
        TrainingJob.State.QUEUED,
        0,
        "",
        "",
        None,
    )
    job.save(update_fields=["state", "progress", "step", "error", "finished_at"])
    training_job_enqueue(job)
    return job


def training_jobs_fail_stale(*, running_longer_than_seconds: int) -> int:
    """Fail jobs still running long after any worker would have been stopped by its time limit."""
    cutoff = timezone.now() - timedelta(seconds=running_longer_than_seconds)
    stale = TrainingJob.objects.filter(state=TrainingJob.State.RUNNING, started_at__lt=cutoff)
    return stale.update(
        state=TrainingJob.State.FAILED, error=WORKER_LOST, finished_at=timezone.now()
    )
