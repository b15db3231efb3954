"""Dutch and French: complete catalogues, the admin's own strings and the API's error details."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.urls import reverse

from strategies.models import PricingRule
from strategies.tests.fixtures import rule

pytestmark = pytest.mark.django_db

CATALOGUES = sorted(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"))


def test_there_is_a_catalogue_for_dutch_and_french():
    assert [path.parts[-3] for path in CATALOGUES] == ["fr", "nl"]


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: path.parts[-3])
def test_every_string_of_the_catalogue_is_translated(catalogue):
    if not shutil.which("msgfmt"):
        pytest.skip("GNU gettext is not installed: run .ci/provision")
    checked = subprocess.run(
        ["msgfmt", "--check-format", "--statistics", "-o", "/dev/null", str(catalogue)],
        capture_output=True,
        text=True,
        check=True,
    )

    assert "translated messages." in checked.stderr
    assert "untranslated" not in checked.stderr
    assert "fuzzy" not in checked.stderr


@pytest.mark.parametrize(
    ("language", "detail"),
    [
        ("nl", "Postcode 4000 staat niet in de risicotabel."),
        ("fr", "Le code postal 4000 n'est pas dans la table des risques."),
        ("en", "Zipcode 4000 is not in the risk table."),
    ],
)
def test_api_error_detail_speaks_the_clients_language(api_client, language, detail):
    response = api_client.get(
        reverse("api:zipcodes:detail", args=["4000"]), headers={"accept-language": language}
    )

    assert response.status_code == 404
    assert response.json()["code"] == "zipcode_not_found"  # codes never change with the language
    assert response.json()["detail"] == detail


@pytest.mark.parametrize(
    ("language", "detail", "required"),
    [
        ("nl", "De aanvraag is ongeldig", "Dit veld is vereist."),
        ("fr", "La requête n'est pas valide", "Ce champ est obligatoire."),
    ],
)
def test_api_validation_errors_speak_the_clients_language(
    make_api_client, language, detail, required
):
    client = make_api_client("tariffs.add_quote")

    response = client.post(
        reverse("api:tariffs:quotes"), {}, format="json", headers={"accept-language": language}
    )

    body = response.json()
    assert body["detail"].startswith(detail)
    assert body["fields"][0]["message"] == required


def test_admin_refuses_to_approve_an_overlapping_rule_in_dutch_with_belgian_dates(
    client, second_editor, brands
):
    editor = User.objects.create_user("editor", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="pricing editors"))
    client.force_login(editor)
    existing = rule(brands["toyota"], fuel="diesel", percent="-8")
    add = reverse("admin:strategies_pricingrule_add")
    form = client.get(add, headers={"accept-language": "nl"})
    client.post(
        add,
        {
            "brand": brands["toyota"].pk,
            "fuel": "diesel",
            "adjustment_percent": "-5",
            "valid_from": "01/12/2026",
            "is_active": "on",
        },
        headers={"accept-language": "nl"},
    )
    draft = PricingRule.objects.exclude(pk=existing.pk).get()

    response = second_editor.post(
        reverse("admin:strategies_pricingrule_approve", args=[draft.pk]),
        {"reason": "Vervangt de herfstregel."},
        headers={"accept-language": "nl"},
        follow=True,
    )

    assert (
        f"Een andere actieve regel voor Toyota + Diesel (regel #{existing.pk}, -8,00\u00a0%) geldt "
        "al vanaf 01/01/2026 zonder einde." in response.text
    )
    assert "tariefregel toevoegen" in form.text  # Django's "Add %s" with our model name


def test_training_parameter_errors_speak_the_clients_language(make_api_client, dataset):
    client = make_api_client("mlmodels.add_modelversion")

    response = client.post(
        reverse("api:mlmodels:models"),
        {
            "dataset": dataset.pk,
            "task": "claim_frequency",
            "estimator": "random_forest",
            "params": {"n_estimators": 100_000_000},
        },
        format="json",
        headers={"accept-language": "fr"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_params"
    assert response.json()["fields"][0]["message"].startswith("Doit être compris entre 1 et ")
