"""Training jobs: failures are recorded with their reason, nothing half-stored, retries work."""

import pytest

from mlmodels.models import ModelVersion, TrainingJob
from mlmodels.services import training_job_create, training_job_retry
from mlmodels.services.jobs import WORKER_LOST, training_job_run, training_jobs_fail_stale
from pricing_site.exceptions import ConflictError

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(dataset):
    created, _ = training_job_create(
        dataset_id=dataset.pk, task="claim_frequency", estimator="glm", params={}, requested_by=None
    )
    return created


def test_training_job_run_fails_with_reason_and_stores_nothing(job):
    TrainingJob.objects.filter(pk=job.pk).update(params={"alpha": "lots"})

    finished = training_job_run(job_id=str(job.pk))

    assert finished.state == "failed"
    assert "alpha" in finished.error
    assert not ModelVersion.objects.exists()


def test_training_job_retry_runs_failed_job_again(job, django_capture_on_commit_callbacks):
    TrainingJob.objects.filter(pk=job.pk).update(params={"alpha": "lots"})
    training_job_run(job_id=str(job.pk))
    TrainingJob.objects.filter(pk=job.pk).update(params={})

    with django_capture_on_commit_callbacks(execute=True):
        training_job_retry(job=job)

    job.refresh_from_db()
    assert (job.state, job.attempts, job.error) == ("succeeded", 2, "")
    assert ModelVersion.objects.count() == 1


def test_training_job_retry_refuses_job_not_failed(job):
    with pytest.raises(ConflictError):
        training_job_retry(job=job)


def test_training_job_run_fails_job_whose_worker_died(job):
    # A redelivered message finds the job still running: its first worker died mid-way.
    TrainingJob.objects.filter(pk=job.pk).update(state="running")

    finished = training_job_run(job_id=str(job.pk))

    assert (finished.state, finished.error) == ("failed", WORKER_LOST)
    assert not ModelVersion.objects.exists()


def test_training_job_run_does_not_train_twice(job):
    training_job_run(job_id=str(job.pk))
    training_job_run(job_id=str(job.pk))

    assert ModelVersion.objects.count() == 1


def test_training_jobs_fail_stale_fails_long_running_jobs(job):
    from django.utils import timezone

    TrainingJob.objects.filter(pk=job.pk).update(
        state="running", started_at=timezone.now() - timezone.timedelta(hours=2)
    )

    assert training_jobs_fail_stale(running_longer_than_seconds=3600) == 1
    job.refresh_from_db()
    assert job.state == "failed"
