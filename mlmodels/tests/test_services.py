"""Datasets, training, comparison and promotion, on real PostgreSQL."""

import threading

import pytest
import sklearn
from django.db import IntegrityError, connection

from mlmodels.artifacts import artifact_load
from mlmodels.models import ModelVersion
from mlmodels.selectors import dataset_frame_get, model_version_get_production_id
from mlmodels.services import (
    SAME_DATA_LINE,
    InvalidDatasetError,
    dataset_create,
    model_version_train,
    model_versions_compare,
)
from mlmodels.tests.fixtures import promote, tamper
from pricing_site.exceptions import (
    ApplicationError,
    ConflictError,
    ServiceUnavailableError,
    UnprocessableError,
)

pytestmark = pytest.mark.django_db


def test_dataset_create_keeps_file_hash_and_report(dataset, portfolio_csv):
    assert dataset.row_count == 3000
    assert dataset.validation_report["valid"] is True
    assert dataset.file.read() == portfolio_csv


def test_dataset_create_recognises_same_file_by_hash(dataset, portfolio_csv):
    assert dataset_create(content=portfolio_csv, name="again.csv") == (dataset, False)


def test_dataset_create_refuses_invalid_file_with_report(portfolio_csv):
    broken = portfolio_csv.replace(b"gasoline", b"petrol", 1)

    with pytest.raises(InvalidDatasetError) as raised:
        dataset_create(content=broken, name="broken.csv")

    assert raised.value.extra["report"]["issues"][0]["column"] == "fuel"


def test_model_version_train_stores_everything(dataset):
    steps = []

    version = model_version_train(
        dataset=dataset,
        task="claim_frequency",
        estimator="glm",
        cv=3,
        progress=lambda percent, step: steps.append(percent),
    )

    assert version.metrics["metric"] == "mean_poisson_deviance"
    assert len(version.metrics["cv_scores"]) == 3
    assert version.metrics["test"] > 0
    assert version.sklearn_version == sklearn.__version__
    assert version.dataset_sha256 == dataset.sha256
    assert version.average_claim_cost > 0
    assert "sex" not in version.feature_schema["features"]
    assert steps[-1] == 100
    assert steps == sorted(steps)
    pipeline = artifact_load(
        data=version.artifact,
        sha256=version.artifact_sha256,
        signature=version.artifact_signature,
        sklearn_version=version.sklearn_version,
    )
    assert pipeline.named_steps["estimator"].__class__.__name__ == "PoissonRegressor"
    assert version.status == "candidate"


def test_model_version_train_refuses_bad_params_and_stores_nothing(dataset):
    with pytest.raises(ApplicationError) as raised:
        model_version_train(
            dataset=dataset, task="claim_frequency", estimator="glm", params={"alpha": -1}, cv=0
        )

    assert raised.value.code == "invalid_params"
    assert not ModelVersion.objects.exists()


def test_model_version_promote_retires_previous_production(
    train, django_capture_on_commit_callbacks
):
    first, second = train(), train(estimator="glm")
    with django_capture_on_commit_callbacks(execute=True):
        promote(first)
    assert model_version_get_production_id(task="claim_frequency") == first.pk

    with django_capture_on_commit_callbacks(execute=True):
        promote(second)

    first.refresh_from_db()
    assert (first.is_production, first.status) == (False, "retired")
    assert model_version_get_production_id(task="claim_frequency") == second.pk


def test_model_version_promote_refuses_a_tampered_artifact_and_keeps_production(
    production_version, train
):
    candidate = train(estimator="glm")
    tamper(candidate)

    with pytest.raises(UnprocessableError, match="SHA-256") as refused:
        promote(candidate)

    assert refused.value.code == "artifact_rejected"
    production_version.refresh_from_db()
    assert production_version.is_production


def test_model_version_promote_refuses_a_model_that_does_not_predict(train, monkeypatch):
    candidate = train(estimator="glm")
    monkeypatch.setattr(
        "mlmodels.services.promotion.Scorer.predict", lambda self, columns: [float("nan")] * 3
    )

    with pytest.raises(UnprocessableError, match="not plausible"):
        promote(candidate)

    candidate.refresh_from_db()
    assert not candidate.is_production


def test_model_version_promote_refuses_version_already_in_production(production_version):
    with pytest.raises(ConflictError):
        promote(production_version)


def test_database_refuses_second_production_version(production_version, train):
    other = train(estimator="glm")
    other.is_production = True

    with pytest.raises(IntegrityError):
        other.save(update_fields=["is_production"])


def test_model_version_get_production_id_raises_503_error_without_production():
    with pytest.raises(ServiceUnavailableError) as raised:
        model_version_get_production_id(task="claim_probability")

    assert raised.value.code == "no_production_model"


@pytest.mark.django_db(transaction=True)
def test_model_version_promote_leaves_one_winner_when_concurrent(train, approver):
    versions = [train(), train(estimator="glm")]
    barrier = threading.Barrier(2)
    errors = []

    def promote_at_once(version):
        try:
            barrier.wait()
            promote(version)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=promote_at_once, args=(version,)) for version in versions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert ModelVersion.objects.filter(task="claim_frequency", is_production=True).count() == 1


def test_model_versions_compare_scores_both_on_same_data(production_version, train):
    candidate = train(estimator="glm")

    comparison = model_versions_compare(
        versions=[candidate, production_version],
        frame=dataset_frame_get(dataset=candidate.dataset),
        cv=2,
    )

    assert [e.version.pk for e in comparison.evaluations] == [candidate.pk, production_version.pk]
    assert all(e.cv_mean is not None for e in comparison.evaluations)
    assert comparison.table().endswith(SAME_DATA_LINE)
    assert comparison.lift_png
    assert comparison.calibration_png


def test_model_versions_compare_refuses_different_tasks(production_version, train):
    with pytest.raises(ApplicationError):
        model_versions_compare(
            versions=[production_version, train(task="claim_probability")], frame=None
        )  # type: ignore[arg-type]
