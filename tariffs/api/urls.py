"""API routes of the tariff: quotes, pricing batches, impact analyses and the change log."""

from django.urls import path

from tariffs.api import views

app_name = "tariffs"

urlpatterns = [
    path("quotes/", views.QuoteCreateApi.as_view(), name="quotes"),
    path("quotes/<int:quote_id>", views.QuoteDetailApi.as_view(), name="quote"),
    path("quotes/<int:quote_id>/reprice", views.QuoteRepriceApi.as_view(), name="reprice"),
    path("pricing-batches/", views.PricingBatchCreateApi.as_view(), name="pricing_batches"),
    path(
        "pricing-batches/<int:batch_id>",
        views.PricingBatchDetailApi.as_view(),
        name="pricing_batch",
    ),
    path(
        "pricing-batches/<int:batch_id>/policies",
        views.PricingBatchPolicyListApi.as_view(),
        name="pricing_batch_policies",
    ),
    path(
        "pricing-batches/<int:batch_id>/policies.csv",
        views.PricingBatchCsvApi.as_view(),
        name="pricing_batch_csv",
    ),
    path("impact-analyses/", views.ImpactAnalysisCreateApi.as_view(), name="impact_analyses"),
    path(
        "impact-analyses/<int:analysis_id>",
        views.ImpactAnalysisDetailApi.as_view(),
        name="impact_analysis",
    ),
    path("tariff-changes/", views.TariffChangeListApi.as_view(), name="tariff_changes"),
    path(
        "tariff-changes/<int:change_id>/rollback",
        views.TariffChangeRollbackApi.as_view(),
        name="tariff_change_rollback",
    ),
]
