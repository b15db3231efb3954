"""Zoning in the admin: derived from a dataset as a job, reviewed, approved with its evidence."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from mlmodels.models import Dataset
from mlmodels.services import dataset_create
from mlmodels.synthetic import portfolio_generate
from tariffs.models import ZoningProposal
from zipcodes.models import Zipcode
from zipcodes.services import zipcode_load_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = User.objects.create_user("editor", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="pricing editors"))
    client.force_login(user)
    return client


@pytest.fixture
def dataset(settings, django_capture_on_commit_callbacks) -> Dataset:
    with (
        open(settings.BASE_DIR / "fixtures" / "zipcodes.csv", encoding="utf-8") as file,
        django_capture_on_commit_callbacks(execute=True),
    ):
        zipcode_load_csv(lines=file)
    content = portfolio_generate(rows=6000, seed=2).to_csv(index=False).encode()
    return dataset_create(content=content, name="portfolio.csv")[0]


def test_derive_zones_action_computes_a_draft_and_the_page_shows_it(
    editor, dataset, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(
            reverse("admin:mlmodels_dataset_changelist"),
            {"action": "derive_zones", "_selected_action": [dataset.pk]},
        )
    proposal = ZoningProposal.objects.get()

    page = editor.get(reverse("admin:tariffs_zoningproposal_change", args=[proposal.pk]))

    assert proposal.state == ZoningProposal.State.DRAFT
    html = page.content.decode()
    assert "Proposed classes" in html
    assert 'id="zoning-map"' in html
    assert "What changes against today" in html
    assert 'id="approve-draft"' in html
    assert 'name="_save"' not in html  # computed, never edited


def test_approve_in_the_admin_applies_the_zoning(
    editor, second_editor, dataset, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(
            reverse("admin:mlmodels_dataset_changelist"),
            {"action": "derive_zones", "_selected_action": [dataset.pk]},
        )
    proposal = ZoningProposal.objects.get()

    approve = reverse("admin:tariffs_zoningproposal_approve", args=[proposal.pk])
    confirmation = second_editor.get(approve).content.decode()
    unbacked = second_editor.post(approve, follow=True).content.decode()
    assert "never simulated" in unbacked
    with django_capture_on_commit_callbacks(execute=True):
        second_editor.post(approve, {"reason": "The first zoning of this portfolio."})

    assert 'id="confirm-approval"' in confirmation
    assert 'id="draft-not-simulated"' in confirmation  # the missing evidence is said
    assert 'name="reason"' in confirmation
    proposal.refresh_from_db()
    assert proposal.state == ZoningProposal.State.APPROVED
    assert dict(Zipcode.objects.values_list("code", "risk_class_id")) == dict(
        proposal.zipcodes.values_list("code", "proposed_class")
    )
    history = editor.get(reverse("admin:tariffs_zoningproposal_history", args=[proposal.pk]))
    assert "Approved and applied" in history.content.decode()
    again = editor.get(approve, follow=True).content.decode()
    assert "only a draft can be approved" in again


def test_unknown_proposal_is_a_404(editor):
    assert editor.get(reverse("admin:tariffs_zoningproposal_change", args=[999])).status_code == 404
