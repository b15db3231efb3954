"""The pricing rules' admin as the tariff extends it: simulate the selected rules' impact on the
portfolio, and approve a draft with its latest analysis beside the button."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pricing_site.exceptions import ApplicationError
from pricing_site.numbers import percent
from strategies.admin import PricingRuleAdmin
from strategies.models import DraftState, PricingRule
from strategies.services import (
    pricing_rule_approve,
    pricing_rule_end_approve,
    pricing_rule_end_propose,
)
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

    def end_propose_view(self, request: HttpRequest, rule_id: int) -> HttpResponse:
        """GET: the approved rule and a last day; POST: propose it (quotes keep the rule until
        another person approves the end)."""
        rule = self.approved_rule_get(rule_id)
        if not self.has_change_permission(request, rule):
            raise PermissionDenied
        detail_url = reverse("admin:strategies_pricingrule_change", args=[rule_id])
        form = RuleEndForm(request.POST or None)
        if form.is_valid():
            try:
                pricing_rule_end_propose(
                    rule=rule, last_day=form.cleaned_data["last_day"], proposed_by=request.user
                )
            except ApplicationError as error:
                form.add_error("last_day" if error.fields else None, error.message)
            else:
                self.message_user(
                    request,
                    gettext(
                        "The end of rule #%(id)s is proposed: quotes use the rule until another "
                        "person approves it."
                    )
                    % {"id": rule.pk},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(detail_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("End rule #%(id)s?") % {"id": rule.pk},
            "rule": rule,
            "form": form,
            "cancel_url": detail_url,
        }
        return TemplateResponse(request, "admin/tariffs/pricingrule_end.html", context)

    def end_approve_view(self, request: HttpRequest, rule_id: int) -> HttpResponse:
        """GET: the proposed end with the reason to write; POST: approve it, by another person
        than who proposed it."""
        rule = self.approved_rule_get(rule_id)
        if not self.has_approve_permission(request):
            raise PermissionDenied
        last_day = rule.end_proposed_on
        day = date_format(last_day, "SHORT_DATE_FORMAT") if last_day else ""
        return approval_view(
            self,
            request,
            not_draft=None
            if last_day
            else gettext("No end of rule #%(id)s is proposed.") % {"id": rule.pk},
            approve=lambda reason: pricing_rule_end_approve(
                rule=rule, approved_by=request.user, reason=reason
            ),
            approved=gettext("Rule #%(id)s ends: quotes no longer use it after %(day)s.")
            % {"id": rule.pk, "day": day},
            title=gettext("Approve the end of rule #%(id)s?") % {"id": rule.pk},
            subject=gettext(
                "%(scope)s: %(percent)s, proposed by %(user)s to end after %(day)s. Quotes "
                "after that day no longer use it; stored quotes keep theirs."
            )
            % {
                "scope": rule.scope,
                "percent": percent(rule.adjustment_percent, signed=True),
                "user": rule.end_proposed_by or "?",
                "day": day,
            },
            confirm=gettext("Approve the end"),
            evidence=None,
            detail_url=reverse("admin:strategies_pricingrule_change", args=[rule_id]),
        )

    def approved_rule_get(self, rule_id: int) -> PricingRule:
        rule = PricingRule.objects.filter(pk=rule_id, state=DraftState.APPROVED).first()
        if rule is None:
            raise Http404(gettext("There is no approved pricing rule %(id)s.") % {"id": rule_id})
        return rule

    def get_urls(self) -> list[URLPattern]:
        pages = [
            path(
                "<int:rule_id>/approve/",
                self.admin_site.admin_view(self.approve_view),
                name="strategies_pricingrule_approve",
            ),
            path(
                "<int:rule_id>/end/",
                self.admin_site.admin_view(self.end_propose_view),
                name="strategies_pricingrule_end",
            ),
            path(
                "<int:rule_id>/end/approve/",
                self.admin_site.admin_view(self.end_approve_view),
                name="strategies_pricingrule_end_approve",
            ),
        ]
        return [*pages, *super().get_urls()]


class RuleEndForm(forms.Form):
    last_day = forms.DateField(
        label=_("Last day"),
        help_text=_(
            "dd/mm/yyyy: the last day quotes use the rule; the day before it starts withdraws it."
        ),
    )


admin.site.unregister(PricingRule)
admin.site.register(PricingRule, TariffPricingRuleAdmin)
