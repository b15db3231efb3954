"""The pricing rules' admin as the tariff extends it: simulate the selected rules' impact on the
portfolio, and approve a draft with its latest analysis beside the button."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pricing_site.numbers import percent
from strategies.admin import PricingRuleAdmin
from strategies.models import DraftState, PricingRule
from strategies.services import pricing_rule_approve
from tariffs.admin.common import approval_view, impact_simulate
from tariffs.selectors import approval_evidence_get
from tariffs.services import Scenario


class TariffPricingRuleAdmin(PricingRuleAdmin):
    change_form_template = "admin/tariffs/pricingrule_change_form.html"
    actions = ["simulate_impact"]

    @admin.action(description=_("Simulate the impact of the selected rules"))
    def simulate_impact(
        self, request: HttpRequest, queryset: QuerySet[PricingRule]
    ) -> HttpResponse | None:
        return impact_simulate(
            self, request, Scenario(rules=tuple(queryset.values_list("pk", flat=True)))
        )

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("strategies.approve_pricingrule")

    def approve_view(self, request: HttpRequest, rule_id: int) -> HttpResponse:
        """GET: the draft with its evidence beside the button; POST: approve, by another person
        than its author."""
        rule = PricingRule.objects.filter(pk=rule_id).select_related("brand").first()
        if rule is None:
            raise Http404(gettext("There is no pricing rule %(id)s.") % {"id": rule_id})
        if not self.has_approve_permission(request):
            raise PermissionDenied
        start = date_format(rule.valid_from, "SHORT_DATE_FORMAT")
        return approval_view(
            self,
            request,
            not_draft=gettext("Rule #%(id)s is already approved.") % {"id": rule.pk}
            if rule.state == DraftState.APPROVED
            else None,
            approve=lambda reason: pricing_rule_approve(
                rule=rule, approved_by=request.user, reason=reason
            ),
            approved=gettext("Rule #%(id)s is approved: quotes use it from %(start)s.")
            % {"id": rule.pk, "start": start},
            title=gettext("Approve rule #%(id)s?") % {"id": rule.pk},
            subject=gettext(
                "%(scope)s: %(percent)s from %(start)s. Once approved, every new quote it "
                "applies to uses it; stored quotes keep theirs."
            )
            % {
                "scope": rule.scope,
                "percent": percent(rule.adjustment_percent, signed=True),
                "start": start,
            },
            confirm=gettext("Approve rule #%(id)s") % {"id": rule.pk},
            evidence=approval_evidence_get(
                kind="rules", object_id=rule.pk, drafted_at=rule.updated_at
            ),
            detail_url=reverse("admin:strategies_pricingrule_change", args=[rule_id]),
        )

    def get_urls(self) -> list[URLPattern]:
        approve = path(
            "<int:rule_id>/approve/",
            self.admin_site.admin_view(self.approve_view),
            name="strategies_pricingrule_approve",
        )
        return [approve, *super().get_urls()]


admin.site.unregister(PricingRule)
admin.site.register(PricingRule, TariffPricingRuleAdmin)
