"""Restoring the previous state: from an entry of the change log, the draft that undoes it,
which then goes through the same four eyes and evidence as any other draft."""

import datetime
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from mlmodels.models import ModelVersion
from pricing_site.exceptions import ForbiddenError, UnprocessableError
from strategies.models import DraftState, PricingRule
from strategies.services import pricing_rule_end_propose, pricing_rule_save
from tariffs.models import TariffChange, TariffVersion, ZoningProposal, ZoningProposalZipcode
from tariffs.selectors import zoning_version_get_current
from tariffs.services.versions import tariff_version_create, tariff_version_in_force
from tariffs.services.zoning import zoning_summary
from zipcodes.selectors import zipcode_classes_get

BATCH_SIZE = 1000
# The changes a draft can undo, and the right it takes to draft it.
ROLLBACK_PERMISSIONS = {
    TariffChange.Kind.RULE_APPROVED: "strategies.change_pricingrule",
    TariffChange.Kind.RULE_ENDED: "strategies.add_pricingrule",
    TariffChange.Kind.TARIFF_VERSION_APPROVED: "tariffs.add_tariffversion",
    TariffChange.Kind.ZONING_APPROVED: "tariffs.approve_zoningproposal",
    TariffChange.Kind.MODEL_PROMOTED: "mlmodels.promote_modelversion",
}


@dataclass(frozen=True)
class Rollback:
    """What restores the previous state: a new draft, or for a model the retired version to
    promote again."""

    kind: str  # "pricing_rule", "tariff_version", "zoning_proposal" or "model_version"
    id: int


def not_possible(message: str) -> UnprocessableError:
    return UnprocessableError(message, code="rollback_not_possible")


@transaction.atomic
def tariff_change_rollback(*, change: TariffChange, requested_by: Any) -> Rollback:
    """The draft that restores what *change* replaced, drafted by *requested_by* (who then
    cannot approve it): for a rule's approval, the proposed end of the rule; for an ended rule,
    a draft rule with its adjustment again. Refused for a change that is no longer in force (a
    later one replaced it: roll that one back first), and for a new month of the health index."""
    permission = ROLLBACK_PERMISSIONS.get(TariffChange.Kind(change.kind))
    if permission is None:
        raise not_possible(
            gettext("The health index is Statbel's: a month it published is not undone.")
        )
    if not requested_by.has_perm(permission):
        raise ForbiddenError(
            gettext("You may not draft what restores this change."), code="permission_denied"
        )
    if change.kind == TariffChange.Kind.RULE_APPROVED:
        return Rollback("pricing_rule", rule_approval_rollback(change, requested_by).pk)
    if change.kind == TariffChange.Kind.RULE_ENDED:
        return Rollback("pricing_rule", rule_end_rollback(change, requested_by).pk)
    if change.kind == TariffChange.Kind.TARIFF_VERSION_APPROVED:
        return Rollback("tariff_version", tariff_version_rollback(change, requested_by).pk)
    if change.kind == TariffChange.Kind.ZONING_APPROVED:
        return Rollback("zoning_proposal", zoning_rollback(change, requested_by).pk)
    return Rollback("model_version", model_rollback(change).pk)


def rule_approval_rollback(change: TariffChange, requested_by: Any) -> PricingRule:
    """The proposed end of the approved rule, as soon as can be: withdrawn before it starts,
    or its last day yesterday."""
    rule = PricingRule.objects.filter(pk=change.object_id).first()
    if rule is None:
        raise not_possible(gettext("Rule #%(id)s no longer exists.") % {"id": change.object_id})
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    last_day = max(yesterday, rule.valid_from - datetime.timedelta(days=1))
    if not rule.is_active or (rule.valid_to is not None and rule.valid_to <= last_day):
        raise not_possible(
            gettext("Rule #%(id)s has ended already: nothing is left to undo.") % {"id": rule.pk}
        )
    return pricing_rule_end_propose(rule=rule, last_day=last_day, proposed_by=requested_by)


def rule_end_rollback(change: TariffChange, requested_by: Any) -> PricingRule:
    """A draft rule with the ended rule's brand, fuel and adjustment, from the day it went out
    of force (or today, if later) to its former last day."""
    ended = PricingRule.objects.filter(pk=change.object_id).first()
    if ended is None:
        raise not_possible(gettext("Rule #%(id)s no longer exists.") % {"id": change.object_id})
    former_end = change.before.get("valid_to")
    return pricing_rule_save(
        rule=PricingRule(
            brand=ended.brand,
            fuel=ended.fuel,
            adjustment_percent=ended.adjustment_percent,
            valid_from=max(change.effective_from, timezone.localdate()),
            valid_to=datetime.date.fromisoformat(former_end) if former_end else None,
            state=DraftState.DRAFT,
            note=(
                gettext("Restores rule #%(rule)s (undoes change %(change)s)")
                % {"rule": ended.pk, "change": change.pk}
            )[:200],
        ),
        changed_by=requested_by,
    )


def tariff_version_rollback(change: TariffChange, requested_by: Any) -> TariffVersion:
    """A draft version with the terms of the one the change replaced, from today (or from the
    replaced version's start, if that is later)."""
    approved = TariffVersion.objects.filter(pk=change.object_id).first()
    today = timezone.localdate()
    if approved is None or not change.before:
        raise not_possible(gettext("There was no tariff version before this one to restore."))
    in_force = tariff_version_in_force(on=max(today, approved.valid_from))
    if in_force is None or in_force.pk != approved.pk:
        raise not_possible(
            gettext("Tariff version %(id)s is no longer the one in force: roll back the later one.")
            % {"id": approved.pk}
        )
    previous = TariffVersion.objects.get(pk=change.before["version"])
    return tariff_version_create(
        version=TariffVersion(
            reference_base_year=previous.reference_base_year,
            reference_month=previous.reference_month,
            commercial_loading=previous.commercial_loading,
            policy_fee=previous.policy_fee,
            minimum_premium=previous.minimum_premium,
            valid_from=max(today, approved.valid_from),
            note=(
                gettext("Restores version %(previous)s (undoes change %(change)s)")
                % {"previous": previous.pk, "change": change.pk}
            )[:200],
        ),
        created_by=requested_by,
    )


def zoning_rollback(change: TariffChange, requested_by: Any) -> ZoningProposal:
    """A draft zoning that puts back each postcode's class and each class factor as they were
    before the change (its postcodes' claims experience kept for review)."""
    approved = ZoningProposal.objects.filter(pk=change.object_id).first()
    if approved is None or zoning_version_get_current() != approved.pk:
        raise not_possible(
            gettext("Zoning %(id)s is no longer the one in force: roll back the later one.")
            % {"id": change.object_id}
        )
    current = zipcode_classes_get()
    factors = {code: float(factor) for code, factor in change.before["factors"].items()}
    draft = ZoningProposal.objects.create(
        dataset=approved.dataset,
        classes=len(factors),
        credibility_k=approved.credibility_k,
        bandwidth_km=approved.bandwidth_km,
        state=ZoningProposal.State.DRAFT,
        factors=factors,
        created_by=requested_by,
    )
    entries = [
        ZoningProposalZipcode(
            proposal=draft,
            code=row.code,
            current_class=current.get(row.code, ""),
            # A postcode the approval added to the table keeps its class: there is none before.
            proposed_class=row.current_class or row.proposed_class,
            exposure=row.exposure,
            claims=row.claims,
            expected=row.expected,
            relativity=row.relativity,
            smoothed=row.smoothed,
            credibility=row.credibility,
            source=row.source,
            longitude=row.longitude,
            latitude=row.latitude,
        )
        for row in approved.zipcodes.all()
    ]
    ZoningProposalZipcode.objects.bulk_create(entries, batch_size=BATCH_SIZE)
    rows = pd.DataFrame(
        [
            {
                "code": entry.code,
                "risk_class": entry.proposed_class,
                "source": entry.source,
                "exposure": entry.exposure,
                "claims": entry.claims,
                "expected": entry.expected,
            }
            for entry in entries
        ]
    )
    draft.summary = zoning_summary(rows, factors, current)
    draft.save(update_fields=["summary"])
    return draft


def model_rollback(change: TariffChange) -> ModelVersion:
    """The version the promotion retired: promoting it again restores it."""
    promoted = ModelVersion.objects.defer("artifact").filter(pk=change.object_id).first()
    if promoted is None or not promoted.is_production:
        raise not_possible(
            gettext("Model version %(id)s is no longer in production: roll back the later one.")
            % {"id": change.object_id}
        )
    retired = change.before.get("versions", [])
    if not retired:
        raise not_possible(gettext("No model was in production before this one."))
    return ModelVersion.objects.defer("artifact").get(pk=retired[0])
