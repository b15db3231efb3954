"""API routes of the indices app."""

from django.urls import path

from indices.api.views import HealthIndexHistoryApi, HealthIndexLatestApi

app_name = "indices"

urlpatterns = [
    path("indices/health/", HealthIndexLatestApi.as_view(), name="health-latest"),
    path(
        "indices/health/<int:base_year>/history",
        HealthIndexHistoryApi.as_view(),
        name="health-history",
    ),
]
