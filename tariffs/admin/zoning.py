"""Admin of the zoning proposals: computed from a dataset, reviewed on a map and a table of the
postcodes that move, simulated, then approved as a whole."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import F, Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tariffs.admin.common import approval_view, impact_simulate_one
from tariffs.models import ZoningProposal
from tariffs.selectors import approval_evidence_get
from tariffs.services import Scenario, zoning_proposal_approve
from tariffs.services.zoning import zoning_map_png


@admin.register(ZoningProposal)
class ZoningProposalAdmin(admin.ModelAdmin):
    """Proposals are computed, reviewed and approved; staff never type their numbers."""

    change_form_template = "admin/tariffs/zoningproposal/change_form.html"
    list_display = ["id", "dataset", "classes", "state", "created_at", "approved_at"]
    list_filter = ["state"]
    ordering = ["-created_at"]
    fields = (
        "dataset",
        "classes",
        "credibility_k",
        "bandwidth_km",
        "state",
        "error",
        "created_by",
        "created_at",
        "approved_by",
        "approved_at",
    )
    readonly_fields = fields
    actions = ["simulate_impact"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.action(description=_("Simulate the impact of this zoning on the premiums"))
    def simulate_impact(
        self, request: HttpRequest, queryset: QuerySet[ZoningProposal]
    ) -> HttpResponse | None:
        return impact_simulate_one(
            self, request, queryset, lambda proposal: Scenario(zoning_proposal=proposal.pk)
        )

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("tariffs.approve_zoningproposal")

    def get_urls(self) -> list[URLPattern]:
        approve = path(
            "<int:proposal_id>/approve/",
            self.admin_site.admin_view(self.approve_view),
            name="tariffs_zoningproposal_approve",
        )
        return [approve, *super().get_urls()]

    def approve_view(self, request: HttpRequest, proposal_id: int) -> HttpResponse:
        """GET: the draft with its evidence beside the button; POST: approve, by another person
        than its author."""
        if not self.has_approve_permission(request):
            raise PermissionDenied
        proposal = ZoningProposal.objects.filter(pk=proposal_id).first()
        if proposal is None:
            raise Http404(gettext("There is no zoning proposal %(id)s.") % {"id": proposal_id})
        return approval_view(
            self,
            request,
            not_draft=gettext("Zoning proposal %(id)s is %(state)s; only a draft can be approved.")
            % {"id": proposal.pk, "state": proposal.get_state_display().lower()}
            if proposal.state != ZoningProposal.State.DRAFT
            else None,
            approve=lambda reason: zoning_proposal_approve(
                proposal=proposal, approved_by=request.user, reason=reason
            ),
            approved=gettext("Zoning proposal %(id)s applied: classes and factors are in force.")
            % {"id": proposal.pk},
            title=gettext("Approve zoning proposal %(id)s?") % {"id": proposal.pk},
            subject=gettext(
                "Approving applies every class and factor of this proposal in one step "
                "(%(count)s postcodes change class); quotes use them at once. Stored quotes keep "
                "theirs."
            )
            % {"count": proposal.summary.get("changed_postcodes", 0)},
            confirm=gettext("Approve and apply zoning proposal %(id)s") % {"id": proposal.pk},
            evidence=approval_evidence_get(
                kind="zoning_proposal", object_id=proposal.pk, drafted_at=proposal.created_at
            ),
            detail_url=reverse("admin:tariffs_zoningproposal_change", args=[proposal_id]),
        )

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # computed, never edited: reviewed, simulated, then approved as a whole

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        proposal = ZoningProposal.objects.filter(pk=object_id).first()
        if proposal is None:
            raise Http404
        moved = proposal.zipcodes.exclude(current_class="").exclude(
            current_class=F("proposed_class")
        )
        context = {
            "proposal": proposal,
            "map_png": zoning_map_png(proposal=proposal) if proposal.summary else "",
            "postcodes": proposal.zipcodes.count(),
            "postcodes_placed": proposal.zipcodes.filter(longitude__isnull=False).count(),
            "moved": moved[:MOVED_SHOWN],
            "moved_not_shown": max(0, proposal.summary.get("changed_postcodes", 0) - MOVED_SHOWN),
            "can_approve": self.has_approve_permission(request)
            and proposal.state == ZoningProposal.State.DRAFT,
        }
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), **context}
        )


MOVED_SHOWN = 200
