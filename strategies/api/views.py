"""The strategies API: rules, and which rule applies."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pricing_site.api import (
    error_responses,
    paginated,
    paginated_response,
)
from strategies.api.serializers import (
    PricingRuleListInputSerializer,
    PricingRuleOutputSerializer,
    PricingRuleResolutionOutputSerializer,
    PricingRuleResolveInputSerializer,
)
from strategies.selectors import pricing_rule_list, pricing_rule_resolve


class PricingRuleListApi(APIView):
    @extend_schema(
        summary="Pricing rules",
        operation_id="strategies_rules_list",
        parameters=[PricingRuleListInputSerializer],
        responses={
            200: paginated(PricingRuleOutputSerializer),
            **error_responses(_400="`invalid`, `unknown_fuel`."),
        },
    )
    def get(self, request: Request) -> Response:
        query = PricingRuleListInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rules = pricing_rule_list(
            brand=query.validated_data.get("brand"),
            fuel=query.validated_data.get("fuel"),
            on=query.validated_data.get("date"),
        )
        return paginated_response(
            request=request, view=self, queryset=rules, serializer_class=PricingRuleOutputSerializer
        )


class PricingRuleResolveApi(APIView):
    @extend_schema(
        summary="The rule that applies to a brand and fuel on a date, and why",
        parameters=[PricingRuleResolveInputSerializer],
        responses={
            200: PricingRuleResolutionOutputSerializer,
            **error_responses(_400="`invalid`, `unknown_fuel`."),
        },
    )
    def get(self, request: Request) -> Response:
        query = PricingRuleResolveInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        resolution = pricing_rule_resolve(
            brand=query.validated_data.get("brand") or None,
            fuel=query.validated_data["fuel"],
            on=query.validated_data.get("date") or timezone.localdate(),
        )
        return Response(
            PricingRuleResolutionOutputSerializer(resolution).data, status=status.HTTP_200_OK
        )
