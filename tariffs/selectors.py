"""Reads of the tariff: its versions (cached whole), stored quotes, impact analyses, pricing
batches, zoning proposals and today's zone factors as the frequency model's offset."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language, gettext

from mlmodels.offsets import Offset
from mlmodels.selectors import dataset_get_latest
from pricing_site.caching import cache_get_or_load
from pricing_site.exceptions import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    ServiceUnavailableError,
)
from strategies.models import DraftState
from tariffs.caching import (
    EVALUATION_REPORT_TTL,
    TARIFF_VERSIONS_KEY,
    TARIFF_VERSIONS_TTL,
    evaluation_report_key,
)
from tariffs.models import (
    ImpactAnalysis,
    PricingBatch,
    PricingBatchPolicy,
    Quote,
    TariffChange,
    TariffEvaluation,
    TariffVersion,
    ZoningProposal,
)
from zipcodes.selectors import risk_class_factors_get, zipcode_classes_get


@dataclass(frozen=True)
class Tariff:
    id: int
    reference_base_year: int
    reference_month: date
    commercial_loading: Decimal
    policy_fee: Decimal
    minimum_premium: Decimal
    valid_from: date
    approved: bool = True  # a draft prices impact analyses only


def tariffs_load() -> list[Tariff]:
    return [
        Tariff(
            t.pk,
            t.reference_base_year,
            t.reference_month,
            t.commercial_loading,
            t.policy_fee,
            t.minimum_premium,
            t.valid_from,
            t.state == DraftState.APPROVED,
        )
        for t in TariffVersion.objects.order_by("-valid_from", "-pk")
    ]


def tariff_get_current(*, on: date) -> Tariff:
    """The newest approved tariff version in force on *on*."""
    tariffs = [
        tariff
        for tariff in cache_get_or_load(
            key=TARIFF_VERSIONS_KEY,
            entity="tariffs",
            loader=tariffs_load,
            timeout=TARIFF_VERSIONS_TTL,
        )
        if tariff.approved
    ]
    tariff = next((t for t in tariffs if t.valid_from <= on), None)
    if tariff is None and tariffs:
        # Tariffs exist but start later: the client asked for a date we never priced.
        first = min(t.valid_from for t in tariffs)
        raise ApplicationError(
            gettext("No tariff was in force on %(date)s: the first one starts on %(first)s.")
            % {"date": on, "first": first},
            code="date_before_first_tariff",
            field="date",
        )
    if tariff is None:
        raise ServiceUnavailableError(
            gettext("No tariff is in force on %(date)s: add a tariff version.") % {"date": on},
            code="no_tariff",
        )
    return tariff


def tariff_get(*, tariff_id: int) -> Tariff:
    tariffs = cache_get_or_load(
        key=TARIFF_VERSIONS_KEY, entity="tariffs", loader=tariffs_load, timeout=TARIFF_VERSIONS_TTL
    )
    return next(t for t in tariffs if t.id == tariff_id)


def quote_get(*, quote_id: int) -> Quote:
    quote = Quote.objects.filter(pk=quote_id).first()
    if quote is None:
        raise NotFoundError(f"There is no quote {quote_id}.", code="quote_not_found")
    return quote


def impact_analysis_get(*, analysis_id: int) -> ImpactAnalysis:
    analysis = ImpactAnalysis.objects.filter(pk=analysis_id).first()
    if analysis is None:
        raise NotFoundError(
            gettext("There is no impact analysis %(id)s.") % {"id": analysis_id},
            code="impact_analysis_not_found",
        )
    return analysis


def impact_analysis_get_latest_for(*, kind: str, object_id: int) -> ImpactAnalysis | None:
    """The latest finished analysis whose scenario used *object_id* as its *kind* ("rules",
    "tariff_version"...): shown beside the button that approves that draft."""
    recent = ImpactAnalysis.objects.filter(state=ImpactAnalysis.State.DONE).order_by("-created_at")
    # Read in Python: SQLite (the laptop default) has no JSON containment lookup.
    for analysis in recent[:RECENT_ANALYSES]:
        used = analysis.scenario.get(kind)
        if used == object_id or (isinstance(used, list) and object_id in used):
            return analysis
    return None


RECENT_ANALYSES = 100


@dataclass(frozen=True)
class ApprovalEvidence:
    """The impact analysis an approval rests on, and why it does not when it does not."""

    analysis: ImpactAnalysis | None  # the draft's latest, valid or not
    problem: str  # "" when it is evidence; else "not_simulated", "other_dataset", "changed_since"

    def described(self) -> str:
        """The problem in the reader's language (empty when there is none)."""
        if not self.problem:
            return ""
        analysis = self.analysis.pk if self.analysis else None
        return {
            "not_simulated": gettext("it was never simulated"),
            "other_dataset": gettext(
                "its latest impact analysis (%(id)s) priced another dataset than the current "
                "portfolio"
            )
            % {"id": analysis},
            "changed_since": gettext("it changed after its latest impact analysis (%(id)s)")
            % {"id": analysis},
        }[self.problem]


def approval_evidence_get(*, kind: str, object_id: int, drafted_at: datetime) -> ApprovalEvidence:
    """The draft's latest finished analysis and whether it is evidence for approving it: run
    after the draft's last change (*drafted_at*), on the current portfolio dataset."""
    analysis = impact_analysis_get_latest_for(kind=kind, object_id=object_id)
    current = dataset_get_latest()
    if analysis is None:
        problem = "not_simulated"
    elif current is None or analysis.dataset_id != current.pk:
        problem = "other_dataset"
    elif analysis.created_at < drafted_at:
        problem = "changed_since"
    else:
        problem = ""
    return ApprovalEvidence(analysis=analysis, problem=problem)


def zoning_proposal_class_factors(*, proposal: ZoningProposal) -> dict[str, Decimal]:
    """The factor each class gets when *proposal* is approved (to the hundredth, half up)."""
    return {
        code: Decimal(str(factor)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        for code, factor in proposal.factors.items()
    }


def zoning_version_get_current() -> int | None:
    """The id of the last approved zoning proposal, the version of today's zone table."""
    return (
        ZoningProposal.objects.filter(state=ZoningProposal.State.APPROVED)
        .order_by("-approved_at")
        .values_list("pk", flat=True)
        .first()
    )


def zone_offset_get() -> Offset:
    """Today's zone table as the offset of the tariff's frequency model (for training and
    evaluation, never per quote)."""
    return Offset(
        version=zoning_version_get_current(),
        factors=risk_class_factors_get(),
        classes=zipcode_classes_get(),
    )


def tariff_evaluation_report_get(*, evaluation: TariffEvaluation) -> str:
    """The backtest's report in the active language, drawn once per language (its charts take
    a fifth of a second) and kept: a finished evaluation never changes."""
    from tariffs.services.evaluation import tariff_report_body  # the services read selectors

    return cache_get_or_load(
        key=evaluation_report_key(evaluation_id=evaluation.pk, language=get_language()),
        entity="evaluation_report",
        loader=lambda: tariff_report_body(evaluation.result),
        timeout=EVALUATION_REPORT_TTL,
    )


def tariff_change_get(*, change_id: int) -> TariffChange:
    change = TariffChange.objects.filter(pk=change_id).first()
    if change is None:
        raise NotFoundError(
            gettext("There is no tariff change %(id)s.") % {"id": change_id},
            code="tariff_change_not_found",
        )
    return change


def tariff_change_list(
    *, kind: str | None = None, since: date | None = None, until: date | None = None
) -> QuerySet[TariffChange]:
    """The change log, newest first; *since* and *until* bound the day each change was recorded
    (both included)."""
    changes = TariffChange.objects.all()
    if kind:
        changes = changes.filter(kind=kind)
    if since:
        changes = changes.filter(recorded_at__date__gte=since)
    if until:
        changes = changes.filter(recorded_at__date__lte=until)
    return changes


def pricing_batch_get(*, batch_id: int, requested_by: Any) -> PricingBatch:
    """A batch of *requested_by*'s, while it is kept: another client's is not found."""
    batch = PricingBatch.objects.filter(
        pk=batch_id, requested_by=requested_by, expires_at__gt=timezone.now()
    ).first()
    if batch is None:
        raise NotFoundError(
            gettext("There is no pricing batch %(id)s (or it is past its keeping time).")
            % {"id": batch_id},
            code="pricing_batch_not_found",
        )
    return batch


def pricing_batch_results(
    *, batch: PricingBatch, failed: bool | None = None
) -> QuerySet[PricingBatchPolicy]:
    """The batch's policies in the order sent; only those not priced (or only those priced)."""
    if batch.state != PricingBatch.State.DONE:
        raise ConflictError(
            gettext("Pricing batch %(id)s is %(state)s: its results come when it is done.")
            % {"id": batch.pk, "state": batch.state},
            code="pricing_batch_not_done",
            extra={"state": batch.state},
        )
    results = batch.results.order_by("index")
    if failed is not None:
        results = results.filter(~Q(errors=[]) if failed else Q(errors=[]))
    return results
