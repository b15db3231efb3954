"""The model admin: comparison with production on the detail page, promotion by permission."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from mlmodels.tests.fixtures import tamper

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
    assert response.text.count("data:image/png;base64,") == 2
    assert "Promote to production" in response.text


def test_model_manager_promotes_from_detail_page(
    client, production_version, train, django_capture_on_commit_callbacks
):
    candidate = train(estimator="glm")

    with django_capture_on_commit_callbacks(execute=True):
        staff(client, "model managers").post(
            reverse("admin:mlmodels_modelversion_promote", args=[candidate.pk])
        )

    candidate.refresh_from_db()
    assert candidate.is_production


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
