"""Zoning proposals: zones derived from a portfolio's claims with a location-free frequency
model, reviewed as a draft, then applied to the zipcode table as a whole."""

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from mlmodels.selectors import dataset_frame_get
from mlmodels.services.evaluation import Figure, png
from mlmodels.services.training import dataset_split
from pricing_site.approvals import approval_check
from pricing_site.exceptions import ApplicationError, ConflictError
from pricing_site.history import admin_history_record
from tariffs.models import ZoningProposal, ZoningProposalZipcode
from tariffs.selectors import zoning_proposal_class_factors
from tariffs.services.changes import zoning_approval_record
from tariffs.services.training import frequency_fit_without_location
from tariffs.zoning import BANDWIDTH_KM, CREDIBILITY_K, zoning_derive
from zipcodes.models import MAX_CLASSES, RiskClass
from zipcodes.selectors import (
    zipcode_classes_get,
    zipcode_coordinates_get,
    zipcode_provinces_get,
)
from zipcodes.services import zone_table_apply

BATCH_SIZE = 5000


def zoning_proposal_create(
    *,
    dataset: Any,
    classes: int = 3,
    credibility_k: float = CREDIBILITY_K,
    bandwidth_km: float = BANDWIDTH_KM,
    created_by: Any = None,
    background: bool = False,
) -> ZoningProposal:
    """Derive zones from *dataset*'s claims as a draft proposal; nothing is applied yet."""
    if not 2 <= classes <= MAX_CLASSES:
        raise ApplicationError(
            f"A zoning has from 2 to {MAX_CLASSES} classes.", code="invalid", field="classes"
        )
    proposal = ZoningProposal.objects.create(
        dataset=dataset,
        classes=classes,
        credibility_k=credibility_k,
        bandwidth_km=bandwidth_km,
        created_by=created_by,
    )
    if background:
        from tariffs import tasks  # the tasks module imports this one

        transaction.on_commit(lambda: tasks.zoning_proposal_compute.delay(proposal.pk))
        return proposal
    return zoning_proposal_compute(proposal_id=proposal.pk)


def zoning_proposal_compute(*, proposal_id: int) -> ZoningProposal:
    """Compute a queued proposal on the training split of its dataset (the holdout stays unseen)."""
    proposal = ZoningProposal.objects.select_related("dataset").get(pk=proposal_id)
    current = zipcode_classes_get()
    train, _ = dataset_split(dataset_frame_get(dataset=proposal.dataset))
    try:
        result = zoning_derive(
            train,
            fit=frequency_fit_without_location,
            table_codes=np.array(sorted(current), dtype=int),
            provinces=zipcode_provinces_get(),
            coordinates=zipcode_coordinates_get(),
            classes=proposal.classes,
            k=proposal.credibility_k,
            bandwidth_km=proposal.bandwidth_km,
        )
    except ValueError as error:
        proposal.state = ZoningProposal.State.FAILED
        proposal.error = str(error)
        proposal.save(update_fields=["state", "error"])
        raise ApplicationError(str(error), code="zoning_failed") from error
    rows = result.postcodes
    entries = [
        ZoningProposalZipcode(
            proposal=proposal,
            code=int(row.code),
            current_class=current.get(int(row.code), ""),
            proposed_class=row.risk_class,
            exposure=float(row.exposure),
            claims=float(row.claims),
            expected=float(row.expected),
            relativity=None if np.isnan(row.relativity) else float(row.relativity),
            smoothed=float(row.smoothed),
            credibility=float(row.credibility),
            source=row.source,
            longitude=None if np.isnan(row.long) else float(row.long),
            latitude=None if np.isnan(row.lat) else float(row.lat),
        )
        for row in rows.itertuples()
    ]
    with transaction.atomic():
        ZoningProposalZipcode.objects.bulk_create(entries, batch_size=BATCH_SIZE)
        proposal.factors = {code: round(f, 4) for code, f in result.factors.items()}
        proposal.breaks = result.breaks
        proposal.summary = zoning_summary(rows, result.factors, current)
        proposal.state = ZoningProposal.State.DRAFT
        proposal.save()
    return proposal


def zoning_summary(rows: Any, factors: dict[str, float], current: dict[int, str]) -> dict[str, Any]:
    """Per class: postcodes, exposure, claims, factor; and what changes against today's table."""
    per_class = [
        {
            "risk_class": code,
            "postcodes": len(group),
            "postcodes_from_neighbours": int(group["source"].eq("neighbours").sum()),
            "exposure": round(float(group["exposure"].sum()), 1),
            "claims": int(group["claims"].sum()),
            "expected_claims": round(float(group["expected"].sum()), 1),
            "factor": round(factors[code], 4),
        }
        for code, group in rows.groupby("risk_class")
    ]
    proposed = dict(zip(rows["code"].astype(int), rows["risk_class"], strict=True))
    moves = Counter(
        f"{current[code]} → {new}"
        for code, new in proposed.items()
        if code in current and current[code] != new
    )
    return {
        "classes": per_class,
        "changed_postcodes": moves.total(),
        "moves": dict(sorted(moves.items())),
        "not_in_table": sorted(code for code in proposed if code not in current),
    }


CLASS_COLOURS = ["#1a9850", "#fee08b", "#d73027", "#762a83", "#4575b4"]


def zoning_map_png(*, proposal: ZoningProposal) -> str:
    """Belgium's postcodes as points at their coordinates, coloured by proposed class (PNG),
    drawn when shown so that each reader gets it in their language."""
    rows = pd.DataFrame(
        proposal.zipcodes.values_list("longitude", "latitude", "proposed_class"),
        columns=["long", "lat", "risk_class"],
    )
    figure = Figure(figsize=(6.4, 5.2), dpi=100, layout="tight")
    axes = figure.subplots()
    located = rows.dropna(subset=["long", "lat"])
    for colour, (code, group) in zip(CLASS_COLOURS, located.groupby("risk_class"), strict=False):
        axes.scatter(
            group["long"],
            group["lat"],
            s=12,
            color=colour,
            label=gettext("class %(code)s") % {"code": code},
        )
    unlocated = len(rows) - len(located)
    axes.set(
        title=gettext("Proposed class of each postcode"),
        xlabel=gettext("longitude (%(count)s postcodes without coordinates not drawn)")
        % {"count": unlocated}
        if unlocated
        else gettext("longitude"),
        ylabel=gettext("latitude"),
    )
    axes.set_aspect(1 / np.cos(np.radians(50.5)))
    if len(located):
        axes.legend(loc="lower left")
    return png(figure)


@transaction.atomic
def zoning_proposal_approve(
    *, proposal: ZoningProposal, approved_by: Any, reason: str = ""
) -> ZoningProposal:
    """Apply a draft zoning: every zipcode's class and every class factor, in one transaction.
    The approver holds the right and did not derive it (four eyes), and saw an impact analysis
    of it or writes a *reason*."""
    proposal = ZoningProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.state != ZoningProposal.State.DRAFT:
        raise ConflictError(
            gettext("Zoning proposal %(id)s is %(state)s; only a draft can be approved.")
            % {"id": proposal.pk, "state": proposal.get_state_display().lower()},
            code="zoning_not_draft",
        )
    approved_alone = approval_check(
        author_ids=[proposal.created_by_id],
        approver=approved_by,
        permission="tariffs.approve_zoningproposal",
        subject=gettext("zoning proposal %(id)s") % {"id": proposal.pk},
    )
    factors_before = dict(RiskClass.objects.values_list("code", "factor"))
    zone_table_apply(
        factors=zoning_proposal_class_factors(proposal=proposal),
        classes=dict(proposal.zipcodes.values_list("code", "proposed_class")),
        description=gettext("Derived from claims (zoning proposal %(id)s)") % {"id": proposal.pk},
        changed_by=approved_by,
    )
    now = timezone.now()
    proposal.state = ZoningProposal.State.APPROVED
    proposal.approved_by = approved_by
    proposal.approved_at = now
    proposal.save(update_fields=["state", "approved_by", "approved_at"])
    zoning_approval_record(
        proposal=proposal,
        factors_before=factors_before,
        approved_by=approved_by,
        approved_alone=approved_alone,
        reason=reason,
    )
    admin_history_record(
        user=approved_by,
        obj=proposal,
        message=gettext("Approved and applied: every zipcode's class and every class factor."),
    )
    return proposal
