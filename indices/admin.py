"""Admin: the stored health index (read-only), its charts, and a button to fetch now."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from indices.charts import health_index_chart_png
from indices.models import HealthIndex, HealthIndexFetch
from indices.selectors import health_index_history, health_index_list_latest
from indices.services import health_index_fetch_request
from pricing_site.exceptions import ApplicationError

RECENT_FETCHES = 5


@admin.register(HealthIndex)
class HealthIndexAdmin(admin.ModelAdmin):
    change_list_template = "admin/indices/healthindex/change_list.html"
    list_display = ["month", "base_year", "value", "source", "fetched_at"]
    list_filter = ["base_year", "source"]
    date_hierarchy = "month"
    ordering = ["-month", "base_year"]

    # Published values are facts: staff read them, Statbel writes them.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "chart/",
                self.admin_site.admin_view(self.chart_view),
                name="indices_healthindex_chart",
            ),
            path(
                "fetch/",
                self.admin_site.admin_view(require_POST(self.fetch_view)),
                name="indices_healthindex_fetch",
            ),
            *super().get_urls(),
        ]

    def chart_view(self, request: HttpRequest) -> HttpResponse:
        charts = []
        try:
            latest = health_index_list_latest()
        except ApplicationError as error:
            messages.warning(request, error.message)
            latest = []
        for value in latest:
            series = health_index_history(base_year=value.base_year)
            charts.append(
                {
                    "latest": value,
                    "png": health_index_chart_png(
                        base_year=value.base_year,
                        series=[(point.month, point.value) for point in series],
                    ),
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Health index charts"),
            "charts": charts,
        }
        return TemplateResponse(request, "admin/indices/healthindex/chart.html", context)

    def fetch_view(self, request: HttpRequest) -> HttpResponse:
        # Statbel can take seconds to answer or retry: a worker fetches, the page never waits.
        health_index_fetch_request(requested_by=request.user)
        messages.info(
            request,
            gettext("Fetch from Statbel queued: its result shows under 'Recent fetches' below."),
        )
        return HttpResponseRedirect(reverse("admin:indices_healthindex_changelist"))

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        fetches = HealthIndexFetch.objects.select_related("requested_by")[:RECENT_FETCHES]
        return super().changelist_view(request, {**(extra_context or {}), "fetches": fetches})
