"""The model admin: comparison with production on the detail page, promotion by permission."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from mlmodels.models import TrainingJob
from mlmodels.selectors import model_version_comparison_get
from mlmodels.services import evaluation, model_version_train
from mlmodels.services.jobs import training_job_run
from mlmodels.tests.fixtures import promote, tamper

pytestmark = pytest.mark.django_db


def staff(client, group):
    user = User.objects.create_user(group.replace(" ", "-"), password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return client


def test_model_version_page_shows_comparison_with_production(client, production_version, train):
    candidate = train(estimator="glm")

    response = staff(client, "model managers").get(
        reverse("admin:mlmodels_modelversion_change", args=[candidate.pk])
    )

    assert response.status_code == 200
    assert "These results were calculated with the same set of data" in response.text
    # The comparison's two charts, then one per rating factor.
    assert response.text.count("data:image/png;base64,") == 2 + len(candidate.factors["variables"])
    assert "Promote to production" in response.text


def test_model_manager_promotes_from_detail_page(
    client, production_version, train, django_capture_on_commit_callbacks
):
    candidate = train(estimator="glm")

    with django_capture_on_commit_callbacks(execute=True):
        staff(client, "model managers").post(
            reverse("admin:mlmodels_modelversion_promote", args=[candidate.pk]),
            {"reason": "Better on the holdout."},
        )

    candidate.refresh_from_db()
    assert candidate.is_production


def test_bulk_promote_action_opens_the_confirmation_and_promotes_nothing(
    client, production_version, train
):
    candidate = train(estimator="glm")

    response = staff(client, "model managers").post(
        reverse("admin:mlmodels_modelversion_changelist"),
        {"action": "promote_selected", "_selected_action": [candidate.pk]},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse(
        "admin:mlmodels_modelversion_promote", args=[candidate.pk]
    )
    assert 'id="confirm-promotion"' in response.text
    candidate.refresh_from_db()
    assert not candidate.is_production


def test_promotion_is_written_in_the_history_of_both_versions(
    client, production_version, train, django_capture_on_commit_callbacks
):
    candidate = train(estimator="glm")
    manager = staff(client, "model managers")

    with django_capture_on_commit_callbacks(execute=True):
        manager.post(
            reverse("admin:mlmodels_modelversion_promote", args=[candidate.pk]),
            {"reason": "Better on the holdout."},
        )

    promoted = manager.get(reverse("admin:mlmodels_modelversion_history", args=[candidate.pk]))
    retired = manager.get(
        reverse("admin:mlmodels_modelversion_history", args=[production_version.pk])
    )
    assert f"Promoted to production (previous: {production_version.pk})." in promoted.text
    assert f"Retired from production: version {candidate.pk} promoted." in retired.text
    assert "model-managers" in promoted.text


def test_model_manager_sees_why_a_tampered_version_is_not_promoted(
    client, production_version, train
):
    candidate = train(estimator="glm")
    tamper(candidate)

    response = staff(client, "model managers").post(
        reverse("admin:mlmodels_modelversion_promote", args=[candidate.pk]), follow=True
    )

    assert "cannot be promoted" in response.text
    candidate.refresh_from_db()
    assert not candidate.is_production


def test_pricing_editor_cannot_promote(client, production_version, train):
    candidate = train(estimator="glm")
    editor = staff(client, "pricing editors")

    page = editor.get(reverse("admin:mlmodels_modelversion_change", args=[candidate.pk]))
    editor.post(reverse("admin:mlmodels_modelversion_promote", args=[candidate.pk]))

    assert "Promote to production" not in page.text
    candidate.refresh_from_db()
    assert not candidate.is_production


def test_dataset_page_shows_validation_report(client, dataset):
    response = staff(client, "model managers").get(
        reverse("admin:mlmodels_dataset_change", args=[dataset.pk])
    )

    assert "Valid: 3000 rows." in response.text


@pytest.mark.parametrize("version_id", ["999999", "abc"])
def test_unknown_model_version_page_is_a_404(client, version_id):
    page = staff(client, "model managers").get(f"/admin/mlmodels/modelversion/{version_id}/change/")

    assert page.status_code == 404


def test_promotion_asks_to_confirm_and_warns_in_red_when_the_candidate_is_worse(
    client, dataset, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        production = promote(
            model_version_train(dataset=dataset, task="claim_frequency", estimator="glm", cv=0)
        )
    # One boosting iteration: close to a constant, clearly worse than the GLM.
    worse = model_version_train(
        dataset=dataset,
        task="claim_frequency",
        estimator="hist_gradient_boosting",
        params={"max_iter": 1},
        cv=0,
    )
    manager = staff(client, "model managers")

    page = manager.get(reverse("admin:mlmodels_modelversion_promote", args=[worse.pk])).text

    assert 'id="worse-warning"' in page
    assert f"scores worse than version {production.pk}" in page
    assert 'id="confirm-promotion"' in page
    worse.refresh_from_db()
    assert not worse.is_production


def test_model_page_shows_metrics_and_params_as_tables_with_human_names(client, production_version):
    page = staff(client, "model managers").get(
        reverse("admin:mlmodels_modelversion_change", args=[production_version.pk])
    )

    assert "Poisson deviance (lower is better), holdout" in page.text
    assert "<td>learning rate</td>" in page.text
    assert '"mean_poisson_deviance"' not in page.text  # no raw JSON


def test_model_page_compares_with_production_once_and_then_reads_the_stored_comparison(
    client, production_version, train, monkeypatch
):
    candidate = train(estimator="glm")
    computed = []
    compare = evaluation.model_versions_compare
    monkeypatch.setattr(
        evaluation, "model_versions_compare", lambda **kw: computed.append(1) or compare(**kw)
    )
    manager = staff(client, "model managers")
    page = reverse("admin:mlmodels_modelversion_change", args=[candidate.pk])

    first = manager.get(page).text
    second = manager.get(page).text

    assert len(computed) == 1
    assert "These results were calculated with the same set of data" in second
    charts = 2 + len(candidate.factors["variables"])  # the comparison, then each factor
    assert first.count("data:image/png;base64,") == second.count("data:image/png;base64,") == charts


def test_a_finished_training_job_prepares_the_comparison_for_the_model_page(
    production_version, dataset, monkeypatch
):
    job = TrainingJob.objects.create(dataset=dataset, task="claim_frequency", estimator="glm")
    version = training_job_run(job_id=str(job.pk)).model_version
    monkeypatch.setattr(evaluation, "model_versions_compare", None)  # must not be needed now

    comparison = model_version_comparison_get(version=version, production=production_version)

    assert [e.version.pk for e in comparison.evaluations] == [version.pk, production_version.pk]


def test_unknown_model_version_page_says_so_in_the_staff_members_language(client):
    page = staff(client, "model managers").get(
        "/admin/mlmodels/modelversion/999/change/", headers={"accept-language": "nl"}
    )

    assert page.status_code == 404
    assert "Pagina niet gevonden" in page.text
    assert "Er is geen modelversie 999." in page.text
