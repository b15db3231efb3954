"""Training through the API with a real Celery worker on the real Redis broker."""

import time

import pytest
from django.urls import reverse

from mlmodels.models import ModelVersion

pytestmark = pytest.mark.worker


def wait_for_job(client, job_id: str, *, seconds: int = 90) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(reverse("api:mlmodels:job", kwargs={"job_id": job_id})).json()
        if job["state"] in ("succeeded", "failed"):
            return job
        time.sleep(0.2)
    pytest.fail(f"job {job_id} did not finish: {job}")


def test_train_through_api_runs_on_real_worker(celery_worker, make_api_client, dataset):
    client = make_api_client("mlmodels.add_modelversion")

    response = client.post(
        reverse("api:mlmodels:models"),
        {"dataset": dataset.pk, "task": "claim_frequency", "estimator": "glm"},
        format="json",
    )

    assert response.status_code == 202
    assert response.json()["state"] == "queued"
    job = wait_for_job(client, response.json()["id"])
    assert job["state"] == "succeeded", job["error"]
    assert ModelVersion.objects.get(pk=job["model_version"]).task == "claim_frequency"


def test_failed_job_on_real_worker_reports_reason_and_can_be_retried(
    celery_worker, make_api_client, dataset
):
    client = make_api_client("mlmodels.add_modelversion")
    dataset.file.storage.delete(dataset.file.name)  # the stored file is lost: training fails
    response = client.post(
        reverse("api:mlmodels:models"),
        {"dataset": dataset.pk, "task": "claim_frequency", "estimator": "glm"},
        format="json",
    )

    job = wait_for_job(client, response.json()["id"])

    assert job["state"] == "failed"
    assert "FileNotFoundError" in job["error"]
    assert not ModelVersion.objects.exists()
    retried = client.post(reverse("api:mlmodels:job_retry", kwargs={"job_id": job["id"]}))
    assert retried.status_code == 202
    assert wait_for_job(client, job["id"])["attempts"] == 2
