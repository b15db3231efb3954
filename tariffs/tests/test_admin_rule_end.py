"""Ending an approved rule in the admin: its terms read only, its end proposed by one editor on
its own page (a Belgian date) and approved by another with a reason, as the change log says."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from strategies.tests.fixtures import rule
from tariffs.models import TariffChange

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def approved(db):
    return rule(fuel="diesel", percent="-8", valid_from=TODAY - timedelta(days=30))


def test_an_approved_rules_page_shows_its_terms_read_only_and_offers_to_propose_an_end(
    editor, approved
):
    page = editor.get(reverse("admin:strategies_pricingrule_change", args=[approved.pk]))

    html = page.content.decode()
    assert 'name="adjustment_percent"' not in html
    assert 'name="valid_to"' not in html
    assert 'name="note"' in html
    assert 'id="propose-end"' in html
    assert reverse("admin:strategies_pricingrule_delete", args=[approved.pk]) not in html


def test_an_editor_proposes_the_end_and_another_approves_it(editor, second_editor, approved):
    last_day = TODAY + timedelta(days=14)
    end_url = reverse("admin:strategies_pricingrule_end", args=[approved.pk])
    approve_url = reverse("admin:strategies_pricingrule_end_approve", args=[approved.pk])

    proposed = editor.post(end_url, {"last_day": last_day.strftime("%d/%m/%Y")})
    approved.refresh_from_db()
    assert proposed.status_code == 302
    assert (approved.end_proposed_on, approved.valid_to) == (last_day, None)
    page = editor.get(reverse("admin:strategies_pricingrule_change", args=[approved.pk]))
    assert 'id="approve-end"' in page.content.decode()

    editor.post(approve_url, {"reason": "My own end."})
    approved.refresh_from_db()
    assert approved.valid_to is None  # its proposer cannot approve it

    form = second_editor.get(approve_url).content.decode()
    assert 'id="approval-reason"' in form
    assert "required" in form
    second_editor.post(approve_url, {"reason": "The dealer campaign is over."})

    approved.refresh_from_db()
    assert (approved.valid_to, approved.end_proposed_on) == (last_day, None)
    change = TariffChange.objects.get(kind="rule_ended", object_id=approved.pk)
    assert (change.drafted_by, change.approved_by) == ("editor", "second-editor")
    assert change.reason == "The dealer campaign is over."


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("31/02/2027", "Enter a valid date"),
        ((TODAY - timedelta(days=5)).strftime("%d/%m/%Y"), "before yesterday"),
    ],
)
def test_a_wrong_last_day_is_said_beside_the_field_and_proposes_nothing(
    editor, approved, typed, error
):
    page = editor.post(
        reverse("admin:strategies_pricingrule_end", args=[approved.pk]), {"last_day": typed}
    )

    assert page.status_code == 200
    assert error in page.content.decode()
    approved.refresh_from_db()
    assert approved.end_proposed_on is None
