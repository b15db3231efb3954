"""The tariff change log: one entry per change that put prices in force or took them out,
written in the transaction of the change itself (see TariffChange; the database keeps it
append-only)."""

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from mlmodels.models import ModelVersion
from pricing_site.exceptions import UnprocessableError
from strategies.models import PricingRule
from tariffs.models import ImpactAnalysis, TariffChange, TariffVersion, ZoningProposal
from tariffs.selectors import approval_evidence_get
from tariffs.services.impact import MODEL_SCENARIO_KEYS

# The share of policies whose premium moves by more than this (%) is part of every summary.
MOVED_THRESHOLD = "10"


def username(user: Any) -> str:
    return getattr(user, "username", "") or ""


def impact_summary(analysis: ImpactAnalysis | None) -> dict[str, Any]:
    """What the approver saw: the analysis, its dataset and date, the total premium change and
    how many policies move by more than 10 %."""
    if analysis is None or not analysis.result:
        return {}
    result = analysis.result
    return {
        "analysis": analysis.pk,
        "dataset": analysis.dataset_id,
        "on": analysis.on.isoformat(),
        "policies": result.get("policies"),
        "total_before": result.get("total_before"),
        "total_after": result.get("total_after"),
        "change_percent": result.get("change_percent"),
        "moved_more_than_10_percent": result.get("moved_more_than", {}).get(MOVED_THRESHOLD),
    }


def plain(value: Any) -> Any:
    """*value* as JSON keeps it exactly: amounts and dates as text, at any depth."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, Decimal | datetime.date):
        return str(value)
    return value


def tariff_change_record(
    *,
    kind: str,
    subject: Any,
    effective_from: datetime.date,
    drafted_by: Any = None,
    approved_by: Any = None,
    approved_alone: bool = False,
    impact_kind: str | None = None,
    drafted_at: datetime.datetime | None = None,
    reason: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> TariffChange:
    """Append one entry; *subject* is the changed object (named in the project's language, the
    same for every reader of the log). An approval whose draft can be simulated (*impact_kind*,
    the scenario key its analyses use) rests on an impact analysis of the draft as it stood at
    *drafted_at*, on the current portfolio, or on a written *reason*; refused otherwise (422
    `impact_analysis_required`)."""
    analysis = None
    if impact_kind:
        evidence = approval_evidence_get(
            kind=impact_kind, object_id=subject.pk, drafted_at=drafted_at or timezone.now()
        )
        if evidence.problem and not reason.strip():
            raise UnprocessableError(
                gettext(
                    "%(subject)s cannot be approved: %(problem)s. Simulate its impact on the "
                    "current portfolio first, or write why it is approved without."
                )
                % {"subject": subject, "problem": evidence.described()},
                code="impact_analysis_required",
                field="reason",
            )
        analysis = None if evidence.problem else evidence.analysis
    with translation.override(settings.LANGUAGE_CODE):
        name = str(subject)
    return TariffChange.objects.create(
        kind=kind,
        subject=name[:200],
        object_id=subject.pk,
        effective_from=effective_from,
        drafted_by=username(drafted_by),
        approved_by=username(approved_by),
        approved_alone=approved_alone,
        impact=impact_summary(analysis),
        reason=reason.strip(),
        before=plain(before or {}),
        after=plain(after or {}),
    )


def rule_values(rule: PricingRule) -> dict[str, Any]:
    return {
        "brand": rule.brand.name if rule.brand else "",
        "fuel": rule.fuel,
        "adjustment_percent": rule.adjustment_percent.quantize(Decimal("0.01")),
        "valid_from": rule.valid_from,
        "valid_to": rule.valid_to,
        "is_active": rule.is_active,
    }


def rule_approval_record(
    *,
    rule: PricingRule,
    approved_by: Any,
    approved_alone: bool,
    drafted_at: datetime.datetime,
    reason: str,
) -> TariffChange:
    # Its author: who saved its first version (the history keeps each version's changed_by).
    first = rule.history.order_by("history_date", "history_id").first()
    return tariff_change_record(
        kind=TariffChange.Kind.RULE_APPROVED,
        subject=rule,
        effective_from=rule.valid_from,
        drafted_by=first.changed_by if first else None,
        approved_by=approved_by,
        approved_alone=approved_alone,
        impact_kind="rules",
        drafted_at=drafted_at,
        reason=reason,
        before={"state": "draft"},
        after={**rule_values(rule), "state": "approved"},
    )


def rule_end_record(
    *,
    rule: PricingRule,
    before: dict[str, Any],
    proposed_by: Any,
    approved_by: Any,
    approved_alone: bool,
    reason: str,
) -> TariffChange:
    # In force until its last day: out of force from the next (or from its start, if withdrawn).
    if rule.is_active and rule.valid_to:
        out_of_force = rule.valid_to + datetime.timedelta(days=1)
    else:
        out_of_force = max(rule.valid_from, timezone.localdate())
    return tariff_change_record(
        kind=TariffChange.Kind.RULE_ENDED,
        subject=rule,
        effective_from=out_of_force,
        drafted_by=proposed_by,
        approved_by=approved_by,
        approved_alone=approved_alone,
        reason=reason,
        before=before,
        after={"valid_to": rule.valid_to, "is_active": rule.is_active},
    )


def version_values(version: TariffVersion | None) -> dict[str, Any]:
    if version is None:
        return {}
    return {
        "version": version.pk,
        "valid_from": version.valid_from,
        "commercial_loading": version.commercial_loading,
        "policy_fee": version.policy_fee,
        "minimum_premium": version.minimum_premium,
        "reference_base_year": version.reference_base_year,
        "reference_month": version.reference_month,
    }


def tariff_version_approval_record(
    *,
    version: TariffVersion,
    previous: TariffVersion | None,
    approved_by: Any,
    approved_alone: bool,
    reason: str,
) -> TariffChange:
    return tariff_change_record(
        kind=TariffChange.Kind.TARIFF_VERSION_APPROVED,
        subject=version,
        effective_from=version.valid_from,
        drafted_by=version.created_by,
        approved_by=approved_by,
        approved_alone=approved_alone,
        impact_kind="tariff_version",
        drafted_at=version.created_at,  # a version never changes once stored
        reason=reason,
        before=version_values(previous),
        after=version_values(version),
    )


def zoning_approval_record(
    *,
    proposal: ZoningProposal,
    factors_before: dict[str, Any],
    approved_by: Any,
    approved_alone: bool,
    reason: str,
) -> TariffChange:
    return tariff_change_record(
        kind=TariffChange.Kind.ZONING_APPROVED,
        subject=proposal,
        effective_from=timezone.localdate(),
        drafted_by=proposal.created_by,
        approved_by=approved_by,
        approved_alone=approved_alone,
        impact_kind="zoning_proposal",
        drafted_at=proposal.created_at,  # a proposal is computed once, never edited
        reason=reason,
        before={"factors": factors_before},
        after={
            "factors": proposal.factors,
            "changed_postcodes": proposal.summary.get("changed_postcodes"),
            "moves": proposal.summary.get("moves", {}),
        },
    )


def model_promotion_record(
    *,
    version: ModelVersion,
    retired: list[ModelVersion],
    promoted_by: Any,
    approved_alone: bool,
    reason: str,
) -> TariffChange:
    return tariff_change_record(
        kind=TariffChange.Kind.MODEL_PROMOTED,
        subject=version,
        effective_from=timezone.localdate(),
        drafted_by=version.trained_by,
        approved_by=promoted_by,
        approved_alone=approved_alone,
        # A claim-probability model prices nothing: there is no premium impact to simulate.
        impact_kind=MODEL_SCENARIO_KEYS.get(version.task),
        drafted_at=version.created_at,
        reason=reason,
        before={"task": version.task, "versions": [previous.pk for previous in retired]},
        after={"task": version.task, "versions": [version.pk]},
    )


def index_month_record(
    *, base_year: int, before: dict[str, str], after: dict[str, str]
) -> TariffChange:
    """Quotes index with a new latest month (or its revised value): no one approves it, Statbel
    publishes it."""
    return TariffChange.objects.create(
        kind=TariffChange.Kind.INDEX_MONTH,
        subject=f"health index base {base_year}",
        object_id=base_year,
        effective_from=timezone.localdate(),
        before=before,
        after=after,
    )
