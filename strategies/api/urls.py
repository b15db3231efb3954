"""API routes of the strategies app."""

from django.urls import path

from strategies.api import views

app_name = "strategies"

urlpatterns = [
    path("strategies/rules/", views.PricingRuleListApi.as_view(), name="rules"),
    path("strategies/resolve", views.PricingRuleResolveApi.as_view(), name="resolve"),
]
