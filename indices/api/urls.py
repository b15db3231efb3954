"""API routes of the indices app, under /api/v1/indices/."""

from django.urls import path

from indices.api.views import HealthIndexHistoryApi, HealthIndexLatestApi

app_name = "indices"

urlpatterns = [
    path("health/", HealthIndexLatestApi.as_view(), name="health_latest"),
    path("health/<int:base_year>/history", HealthIndexHistoryApi.as_view(), name="health_history"),
]
