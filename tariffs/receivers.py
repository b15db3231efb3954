"""The domain apps' announcements the tariff writes in its change log (connected in
TariffsConfig.ready), inside the transaction that made the change."""

from datetime import datetime
from typing import Any

from django.dispatch import receiver

from indices.signals import health_index_latest_changed
from mlmodels.signals import model_version_promoted
from strategies.signals import pricing_rule_approved, pricing_rule_ended
from tariffs.services.changes import (
    index_month_record,
    model_promotion_record,
    rule_approval_record,
    rule_end_record,
)


@receiver(pricing_rule_approved)
def rule_approved(
    sender: type,
    rule: Any,
    approved_by: Any,
    approved_alone: bool,
    drafted_at: datetime,
    reason: str,
    **kwargs: Any,
) -> None:
    rule_approval_record(
        rule=rule,
        approved_by=approved_by,
        approved_alone=approved_alone,
        drafted_at=drafted_at,
        reason=reason,
    )


@receiver(pricing_rule_ended)
def rule_ended(
    sender: type,
    rule: Any,
    before: dict,
    proposed_by: Any,
    approved_by: Any,
    approved_alone: bool,
    reason: str,
    **kwargs: Any,
) -> None:
    rule_end_record(
        rule=rule,
        before=before,
        proposed_by=proposed_by,
        approved_by=approved_by,
        approved_alone=approved_alone,
        reason=reason,
    )


@receiver(model_version_promoted)
def model_promoted(
    sender: type,
    version: Any,
    retired: list,
    promoted_by: Any,
    approved_alone: bool,
    reason: str,
    **kwargs: Any,
) -> None:
    model_promotion_record(
        version=version,
        retired=retired,
        promoted_by=promoted_by,
        approved_alone=approved_alone,
        reason=reason,
    )


@receiver(health_index_latest_changed)
def index_month_changed(sender: type, changes: list[dict], **kwargs: Any) -> None:
    for change in changes:
        index_month_record(
            base_year=change["base_year"], before=change["before"], after=change["after"]
        )
