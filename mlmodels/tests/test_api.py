"""The model API: predictions, versions, promotion, dataset upload, training jobs."""

import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mlmodels.artifacts import artifact_dump
from mlmodels.models import ModelVersion, TrainingJob
from mlmodels.services import model_version_train
from mlmodels.services.evaluation import version_pipeline
from mlmodels.tests.fixtures import random_record, tamper

pytestmark = pytest.mark.django_db

PREDICTIONS = "api:mlmodels:predictions"


@pytest.mark.parametrize("count", [1, 10, 100])
def test_predictions_return_one_value_per_record_in_order(api_client, production_version, count):
    records = [random_record(random.Random(seed)) for seed in range(count)]

    response = api_client.post(
        reverse(PREDICTIONS), {"task": "claim_frequency", "records": records}, format="json"
    )

    body = response.json()
    assert response.status_code == 200
    assert body["task"] == "claim_frequency"
    assert body["model_version"] == production_version.pk
    assert body["average_claim_cost"] == f"{production_version.average_claim_cost:.2f}"
    assert len(body["predictions"]) == count
    assert all(value > 0 for value in body["predictions"])
    single = api_client.post(
        reverse(PREDICTIONS), {"task": "claim_frequency", "records": records[-1:]}, format="json"
    )
    assert single.json()["predictions"][0] == pytest.approx(body["predictions"][-1], abs=1e-12)


def test_predictions_accept_petrol_as_the_quote_spells_it(api_client, production_version):
    record = {**random_record(random.Random(2)), "fuel": "gasoline"}
    del record["postcode"]  # the tariff's models carry no location

    def predict(fuel: str) -> float:
        response = api_client.post(
            reverse(PREDICTIONS),
            {"task": "claim_frequency", "records": [{**record, "fuel": fuel}]},
            format="json",
        )
        assert response.status_code == 200, response.json()
        return response.json()["predictions"][0]

    assert predict("petrol") == predict("gasoline")


def test_predictions_use_version_asked_for(api_client, production_version, train):
    other = train(estimator="glm")
    url = f"{reverse(PREDICTIONS)}?model={other.pk}"

    response = api_client.post(
        url,
        {"task": "claim_frequency", "records": [random_record(random.Random(1))]},
        format="json",
    )

    assert response.json()["model_version"] == other.pk


@pytest.mark.parametrize(
    ("records", "field", "code"),
    [
        ([{"ageph": 40}], "records.0.coverage", "required"),
        ([None], "records.0", "not_a_dict"),
        ([3], "records.0", "not_a_dict"),
        ("not a list", "records", "not_a_list"),
        ([], "records", "min_length"),
    ],
    ids=["missing-field", "null", "not-an-object", "not-a-list", "empty"],
)
def test_predictions_return_400_naming_the_field(
    api_client, production_version, records, field, code
):
    response = api_client.post(
        reverse(PREDICTIONS), {"task": "claim_frequency", "records": records}, format="json"
    )

    assert response.status_code == 400
    assert {"field": field, "code": code} in [
        {"field": f["field"], "code": f["code"]} for f in response.json()["fields"]
    ]


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"ageph": "forty"}, "records.1.ageph", "invalid"),
        ({"bm": 40}, "records.1.bm", "out_of_range"),
        ({"fuel": "electric"}, "records.1.fuel", "invalid_choice"),
    ],
)
def test_predictions_return_400_naming_record_index(
    api_client, production_version, change, field, code
):
    good = random_record(random.Random(0))

    response = api_client.post(
        reverse(PREDICTIONS),
        {"task": "claim_frequency", "records": [good, {**good, **change}]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_records"
    assert response.json()["fields"][0]["field"] == field
    assert response.json()["fields"][0]["code"] == code


@pytest.mark.parametrize("model", ["0", "latest"])
def test_predictions_return_400_for_a_wrong_model_in_the_query(
    api_client, production_version, model
):
    response = api_client.post(
        f"{reverse(PREDICTIONS)}?model={model}",
        {"task": "claim_frequency", "records": [random_record(random.Random(0))]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fields"][0]["field"] == "model"


def test_predictions_return_400_for_an_unknown_task(api_client, production_version):
    response = api_client.post(
        reverse(PREDICTIONS),
        {"task": "claim_cost", "records": [random_record(random.Random(0))]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fields"][0]["field"] == "task"
    assert response.json()["fields"][0]["code"] == "invalid_choice"


def test_predictions_return_400_when_too_many_records(api_client, production_version):
    records = [random_record(random.Random(0))] * 10_001

    response = api_client.post(
        reverse(PREDICTIONS), {"task": "claim_frequency", "records": records}, format="json"
    )

    assert response.json()["fields"][0]["code"] == "max_length"


def test_predictions_return_400_when_not_json(api_client):
    response = api_client.post(reverse(PREDICTIONS), "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_predictions_return_415_for_wrong_content_type(api_client):
    response = api_client.post(reverse(PREDICTIONS), "task=x", content_type="text/plain")

    assert response.status_code == 415


def test_predictions_return_503_without_production_model(api_client):
    response = api_client.post(
        reverse(PREDICTIONS),
        {"task": "claim_probability", "records": [random_record(random.Random(0))]},
        format="json",
    )

    assert response.status_code == 503
    assert response.json()["code"] == "no_production_model"


class FailingEstimator:
    def predict(self, matrix):
        raise RuntimeError("the model broke")


def test_predictions_return_500_with_error_id_when_model_fails(
    api_client, production_version, caplog
):
    pipeline = version_pipeline(production_version)
    pipeline.steps[-1] = ("estimator", FailingEstimator())
    data, sha256, signature = artifact_dump(pipeline)
    ModelVersion.objects.filter(pk=production_version.pk).update(
        artifact=data, artifact_sha256=sha256, artifact_signature=signature
    )

    response = api_client.post(
        reverse(PREDICTIONS),
        {"task": "claim_frequency", "records": [random_record(random.Random(0))]},
        format="json",
    )

    assert response.status_code == 500
    error_id = response.json()["extra"]["error_id"]
    assert [r.error_id for r in caplog.records if hasattr(r, "error_id")] == [error_id]
    assert "RuntimeError: the model broke" in caplog.text


def test_models_list_and_detail(api_client, production_version):
    listed = api_client.get(reverse("api:mlmodels:models"), {"task": "claim_frequency"}).json()
    detail = api_client.get(
        reverse("api:mlmodels:model", kwargs={"version_id": production_version.pk})
    ).json()

    assert [row["id"] for row in listed["results"]] == [production_version.pk]
    assert detail["status"] == "production"
    assert detail["metrics"]["metric"] == "mean_poisson_deviance"
    assert detail["dataset"]["row_count"] == 3000


def test_model_detail_returns_404(api_client):
    assert (
        api_client.get(reverse("api:mlmodels:model", kwargs={"version_id": 999})).json()["code"]
        == "model_not_found"
    )


def test_promote_refuses_a_tampered_artifact_with_422(make_api_client, production_version, train):
    candidate = train(estimator="glm")
    tamper(candidate)

    response = make_api_client("mlmodels.promote_modelversion").post(
        reverse("api:mlmodels:promote", kwargs={"version_id": candidate.pk})
    )

    assert (response.status_code, response.json()["code"]) == (422, "artifact_rejected")
    production_version.refresh_from_db()
    assert production_version.is_production


def test_promote_needs_permission_and_promotes(make_api_client, production_version, train):
    candidate = train(estimator="glm")
    url = reverse("api:mlmodels:promote", kwargs={"version_id": candidate.pk})

    assert make_api_client().post(url).status_code == 403
    promoter = make_api_client("mlmodels.promote_modelversion")
    unbacked = promoter.post(url)
    response = promoter.post(url, {"reason": "Better on the holdout."}, format="json")

    # A frequency model changes premiums: an impact analysis of it, or a written reason.
    assert (unbacked.status_code, unbacked.json()["code"]) == (422, "impact_analysis_required")
    assert unbacked.json()["fields"][0]["field"] == "reason"
    assert response.status_code == 200
    assert response.json()["status"] == "production"


def test_promote_refuses_the_client_that_trained_the_version(
    make_api_client, production_version, dataset
):
    promoter = make_api_client("mlmodels.promote_modelversion")
    own = model_version_train(
        dataset=dataset,
        task="claim_frequency",
        estimator="glm",
        cv=0,
        trained_by=promoter.user,
    )

    response = promoter.post(
        reverse("api:mlmodels:promote", kwargs={"version_id": own.pk}),
        {"reason": "Mine is better."},
        format="json",
    )

    assert (response.status_code, response.json()["code"]) == (403, "same_author_and_approver")
    own.refresh_from_db()
    assert not own.is_production


def test_dataset_upload_validates_and_recognises_same_file(make_api_client, portfolio_csv):
    client = make_api_client("mlmodels.add_dataset")

    first = client.post(
        reverse("api:mlmodels:datasets"), {"file": SimpleUploadedFile("p.csv", portfolio_csv)}
    )
    again = client.post(
        reverse("api:mlmodels:datasets"), {"file": SimpleUploadedFile("q.csv", portfolio_csv)}
    )

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]


def test_dataset_upload_returns_400_with_report(make_api_client, portfolio_csv):
    broken = portfolio_csv.replace(b"private", b"racing", 1)

    response = make_api_client("mlmodels.add_dataset").post(
        reverse("api:mlmodels:datasets"), {"file": SimpleUploadedFile("p.csv", broken)}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_dataset"
    assert response.json()["extra"]["report"]["issues"][0]["column"] == "use"


def test_dataset_upload_refuses_oversized_file(make_api_client, portfolio_csv, settings):
    settings.PRICING_DATASET_MAX_BYTES = 100

    response = make_api_client("mlmodels.add_dataset").post(
        reverse("api:mlmodels:datasets"), {"file": SimpleUploadedFile("p.csv", portfolio_csv)}
    )

    assert response.json()["code"] == "file_too_large"


def test_train_through_api_answers_202_and_job_succeeds(
    make_api_client, dataset, django_capture_on_commit_callbacks
):
    client = make_api_client("mlmodels.add_modelversion")
    payload = {
        "dataset": dataset.pk,
        "task": "claim_probability",
        "estimator": "glm",
        "params": {"C": 0.5},
    }

    with django_capture_on_commit_callbacks(execute=True):  # tasks run eagerly in unit tests
        response = client.post(reverse("api:mlmodels:models"), payload, format="json")

    assert response.status_code == 202
    job = client.get(reverse("api:mlmodels:job", kwargs={"job_id": response.json()["id"]})).json()
    assert (job["state"], job["progress"]) == ("succeeded", 100)
    assert ModelVersion.objects.get(pk=job["model_version"]).params["C"] == 0.5


@pytest.mark.parametrize(
    ("estimator", "params", "field"),
    [
        ("random_forest", {"n_estimators": 100_000_000}, "params.n_estimators"),
        ("random_forest", {"n_jobs": -1}, "params.n_jobs"),
        ("hist_gradient_boosting", {"learning_rate": "fast"}, "params.learning_rate"),
        ("glm", {"max_iter": 2.5}, "params.max_iter"),
    ],
)
def test_train_through_api_refuses_params_out_of_bounds_before_queueing(
    make_api_client, dataset, estimator, params, field
):
    response = make_api_client("mlmodels.add_modelversion").post(
        reverse("api:mlmodels:models"),
        {
            "dataset": dataset.pk,
            "task": "claim_frequency",
            "estimator": estimator,
            "params": params,
        },
        format="json",
    )

    assert (response.status_code, response.json()["code"]) == (400, "invalid_params")
    assert response.json()["fields"][0]["field"] == field
    assert not TrainingJob.objects.exists()


def test_predictions_refuse_a_record_whose_category_is_a_list_or_an_object(
    api_client, production_version
):
    record = {**random_record(random.Random(0)), "fuel": [["diesel"]], "coverage": {"TPL": 1}}

    response = api_client.post(
        reverse(PREDICTIONS),
        {"task": "claim_frequency", "records": [record]},
        format="json",
    )

    assert (response.status_code, response.json()["code"]) == (400, "invalid_records")
    assert {f["field"] for f in response.json()["fields"]} == {
        "records.0.fuel",
        "records.0.coverage",
    }


def test_train_through_api_is_idempotent(
    make_api_client, dataset, django_capture_on_commit_callbacks
):
    client = make_api_client("mlmodels.add_modelversion")
    payload = {"dataset": dataset.pk, "task": "claim_probability", "estimator": "glm"}

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(
            reverse("api:mlmodels:models"),
            payload,
            format="json",
            headers={"Idempotency-Key": "k1"},
        )
        second = client.post(
            reverse("api:mlmodels:models"),
            payload,
            format="json",
            headers={"Idempotency-Key": "k1"},
        )

    assert (first.status_code, second.status_code) == (202, 200)
    assert first.json()["id"] == second.json()["id"]
    assert TrainingJob.objects.count() == 1
    assert ModelVersion.objects.count() == 1


def test_train_through_api_refuses_a_reused_idempotency_key_with_another_body(
    make_api_client, dataset, django_capture_on_commit_callbacks
):
    client = make_api_client("mlmodels.add_modelversion")
    payload = {"dataset": dataset.pk, "task": "claim_probability", "estimator": "glm"}
    url = reverse("api:mlmodels:models")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, payload, format="json", headers={"Idempotency-Key": "k1"})

    other = client.post(
        url,
        {**payload, "estimator": "hist_gradient_boosting"},
        format="json",
        headers={"Idempotency-Key": "k1"},
    )
    too_long = client.post(url, payload, format="json", headers={"Idempotency-Key": "k" * 256})

    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    assert other.json()["fields"][0]["field"] == "Idempotency-Key"
    assert (too_long.status_code, too_long.json()["code"]) == (400, "invalid_idempotency_key")
    assert TrainingJob.objects.count() == 1


def test_train_through_api_returns_404_for_unknown_dataset(make_api_client):
    response = make_api_client("mlmodels.add_modelversion").post(
        reverse("api:mlmodels:models"),
        {"dataset": 999, "task": "claim_probability", "estimator": "glm"},
        format="json",
    )

    assert response.json()["code"] == "dataset_not_found"
