"""An approved rule's price is in force: its terms do not change, it is not deleted, and it ends
only when one person proposes its last day and another approves it with a reason."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from pricing_site.exceptions import ApplicationError
from strategies.models import DraftState, PricingRule
from strategies.selectors import pricing_rule_resolve
from strategies.services import (
    pricing_rule_delete,
    pricing_rule_end_approve,
    pricing_rule_end_propose,
    pricing_rule_save,
)
from strategies.tests.fixtures import rule

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def toyota_diesel(brands):
    return rule(brands["toyota"], fuel="diesel", percent="-8", valid_from=TODAY - timedelta(30))


@pytest.fixture
def proposer(db):
    return User.objects.create_user("proposer", is_staff=True)


@pytest.mark.parametrize(
    ("term", "value"),
    [
        ("adjustment_percent", Decimal("-10")),
        ("fuel", "petrol"),
        ("brand", None),
        ("valid_from", TODAY - timedelta(60)),
        ("valid_to", TODAY),
        ("is_active", False),
    ],
)
def test_an_approved_rules_terms_do_not_change(toyota_diesel, term, value):
    setattr(toyota_diesel, term, value)

    with pytest.raises(ApplicationError) as refused:
        pricing_rule_save(rule=toyota_diesel)

    assert refused.value.code == "approved_rule_locked"
    toyota_diesel.refresh_from_db()
    assert (toyota_diesel.adjustment_percent, toyota_diesel.valid_to) == (Decimal("-8"), None)


def test_an_approved_rules_note_changes(toyota_diesel):
    toyota_diesel.note = "Dealer campaign"

    pricing_rule_save(rule=toyota_diesel)

    toyota_diesel.refresh_from_db()
    assert toyota_diesel.note == "Dealer campaign"


def test_an_approved_rule_is_not_deleted(toyota_diesel):
    with pytest.raises(ApplicationError) as refused:
        pricing_rule_delete(rule=toyota_diesel)

    assert refused.value.code == "approved_rule_locked"
    assert PricingRule.objects.filter(pk=toyota_diesel.pk).exists()


def test_a_proposed_end_changes_nothing_until_another_person_approves_it(
    toyota_diesel, proposer, approver, django_capture_on_commit_callbacks
):
    pricing_rule_end_propose(rule=toyota_diesel, last_day=TODAY, proposed_by=proposer)
    tomorrow = TODAY + timedelta(1)
    assert pricing_rule_resolve(brand="Toyota", fuel="diesel", on=tomorrow).rule.id == (
        toyota_diesel.pk
    )

    with django_capture_on_commit_callbacks(execute=True):
        pricing_rule_end_approve(rule=toyota_diesel, approved_by=approver, reason="Campaign over.")

    toyota_diesel.refresh_from_db()
    assert (toyota_diesel.valid_to, toyota_diesel.is_active) == (TODAY, True)
    assert (toyota_diesel.end_proposed_on, toyota_diesel.end_proposed_by) == (None, None)
    assert pricing_rule_resolve(brand="Toyota", fuel="diesel", on=TODAY).rule.id == (
        toyota_diesel.pk
    )
    assert pricing_rule_resolve(brand="Toyota", fuel="diesel", on=tomorrow).rule is None


def test_who_proposed_the_end_cannot_approve_it(toyota_diesel, proposer):
    proposer.is_superuser = True
    proposer.save()
    pricing_rule_end_propose(rule=toyota_diesel, last_day=TODAY, proposed_by=proposer)

    with pytest.raises(ApplicationError) as refused:
        pricing_rule_end_approve(rule=toyota_diesel, approved_by=proposer, reason="Mine.")

    assert refused.value.code == "same_author_and_approver"
    toyota_diesel.refresh_from_db()
    assert toyota_diesel.valid_to is None


def test_approving_an_end_takes_the_right_to_approve_rules(toyota_diesel, proposer):
    pricing_rule_end_propose(rule=toyota_diesel, last_day=TODAY, proposed_by=proposer)
    colleague = User.objects.create_user("colleague", is_staff=True)

    with pytest.raises(ApplicationError) as refused:
        pricing_rule_end_approve(rule=toyota_diesel, approved_by=colleague, reason="Over.")

    assert refused.value.code == "approval_not_permitted"


def test_an_end_is_approved_with_a_written_reason(toyota_diesel, proposer, approver):
    pricing_rule_end_propose(rule=toyota_diesel, last_day=TODAY, proposed_by=proposer)

    with pytest.raises(ApplicationError) as refused:
        pricing_rule_end_approve(rule=toyota_diesel, approved_by=approver, reason="  ")

    assert (refused.value.code, refused.value.fields[0]["field"]) == ("reason_required", "reason")


def test_an_end_before_the_rule_starts_withdraws_it(brands, proposer, approver):
    future = rule(brands["toyota"], fuel="diesel", percent="-8", valid_from=TODAY + timedelta(10))

    pricing_rule_end_propose(rule=future, last_day=TODAY + timedelta(9), proposed_by=proposer)
    pricing_rule_end_approve(rule=future, approved_by=approver, reason="Never launched.")

    future.refresh_from_db()
    assert (future.is_active, future.valid_to) == (False, None)


@pytest.mark.parametrize(
    ("last_day", "code"),
    [(TODAY - timedelta(2), "end_in_past"), (TODAY + timedelta(400), "end_not_earlier")],
)
def test_an_end_in_the_past_or_later_than_todays_is_refused(brands, proposer, last_day, code):
    ending = rule(brands["toyota"], fuel="diesel", valid_from=TODAY, valid_to=TODAY + timedelta(30))

    with pytest.raises(ApplicationError) as refused:
        pricing_rule_end_propose(rule=ending, last_day=last_day, proposed_by=proposer)

    assert (refused.value.code, refused.value.fields[0]["field"]) == (code, "last_day")


def test_a_draft_has_no_end_to_propose(brands, proposer):
    draft = rule(brands["toyota"], fuel="diesel", state=DraftState.DRAFT)

    with pytest.raises(ApplicationError) as refused:
        pricing_rule_end_propose(rule=draft, last_day=TODAY, proposed_by=proposer)

    assert refused.value.code == "rule_not_approved"
