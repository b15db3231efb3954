"""The tariff's API: quotes (create, read, price again) and impact analyses."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pricing_site.api import (
    IDEMPOTENCY_KEY_PARAMETER,
    error_responses,
    paginated,
    paginated_response,
)
from pricing_site.idempotency import idempotency_parse
from tariffs.api.serializers import (
    ImpactAnalysisCreateInputSerializer,
    ImpactAnalysisOutputSerializer,
    QuoteCreateInputSerializer,
    QuoteOutputSerializer,
    QuoteRepricingOutputSerializer,
    TariffChangeListInputSerializer,
    TariffChangeOutputSerializer,
    TariffChangeRollbackOutputSerializer,
)
from tariffs.selectors import (
    impact_analysis_get,
    quote_get,
    tariff_change_get,
    tariff_change_list,
)
from tariffs.services import (
    QuoteRequest,
    Scenario,
    impact_analysis_create,
    quote_create,
    quote_reprice_compare,
    tariff_change_rollback,
)


class QuoteCreateApi(APIView):
    write_permissions = ["tariffs.add_quote"]

    @extend_schema(
        summary="Quote the annual premium",
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=QuoteCreateInputSerializer,
        responses={
            201: QuoteOutputSerializer,
            200: QuoteOutputSerializer,
            **error_responses(
                _400=(
                    "`invalid`, `unknown_fuel`, `fuel_not_modelled`, "
                    "`date_before_first_tariff`, `date_beyond_horizon`, `invalid_idempotency_key`."
                ),
                _404="`zipcode_not_found`.",
                _422="`idempotency_key_reused`.",
                _503="`no_production_model`, `no_health_index`, `no_tariff`.",
            ),
        },
    )
    def post(self, request: Request) -> Response:
        body = QuoteCreateInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        quote, created = quote_create(
            request=QuoteRequest(
                zipcode=data["zipcode"],
                brand=data["vehicle"]["brand"],
                fuel=data["vehicle"]["fuel"],
                power_kw=data["vehicle"]["power_kw"],
                vehicle_age=data["vehicle"]["age"],
                driver_age=data["driver"]["age"],
                bonus_malus=data["driver"]["bonus_malus"],
                coverage=data["coverage"],
                use=data["use"],
                fleet=data["fleet"],
                date=data.get("date"),
            ),
            requested_by=request.user,
            idempotency=idempotency_parse(request, request.data),
        )
        return Response(
            QuoteOutputSerializer(quote).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class QuoteDetailApi(APIView):
    @extend_schema(
        summary="A stored quote",
        responses={200: QuoteOutputSerializer, **error_responses(_404="`quote_not_found`.")},
    )
    def get(self, request: Request, quote_id: int) -> Response:
        return Response(
            QuoteOutputSerializer(quote_get(quote_id=quote_id)).data, status=status.HTTP_200_OK
        )


class QuoteRepriceApi(APIView):
    computes_only = True  # nothing is stored: the answer is computed from the stored quote

    @extend_schema(
        summary="A stored quote reproduced, and priced with today's tables",
        request=None,
        responses={
            200: QuoteRepricingOutputSerializer,
            **error_responses(
                _404="`quote_not_found`, `zipcode_not_found` (no longer in the table).",
                _409="`quote_anonymised`: past its retention period (or erased) the quote keeps "
                "no personal data to price again.",
                _503="`no_production_model`, `no_health_index`, `no_tariff`.",
            ),
        },
    )
    def post(self, request: Request, quote_id: int) -> Response:
        repricing = quote_reprice_compare(quote=quote_get(quote_id=quote_id))
        return Response(QuoteRepricingOutputSerializer(repricing).data, status=status.HTTP_200_OK)


class ImpactAnalysisCreateApi(APIView):
    write_permissions = ["tariffs.add_impactanalysis"]

    @extend_schema(
        summary="Simulate a scenario on a portfolio, in the background",
        request=ImpactAnalysisCreateInputSerializer,
        responses={
            202: ImpactAnalysisOutputSerializer,
            **error_responses(
                _400="`invalid`, `empty_scenario`.",
                _404="`dataset_not_found`, `rule_not_found`, `zoning_proposal_not_found`, "
                "`model_not_found`, `health_index_not_found`.",
                _503="`no_production_model`, `no_health_index`, `no_tariff`.",
            ),
        },
    )
    def post(self, request: Request) -> Response:
        body = ImpactAnalysisCreateInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        analysis = impact_analysis_create(
            dataset_id=body.validated_data["dataset"],
            scenario=Scenario(
                **{
                    **body.validated_data["scenario"],
                    "rules": tuple(body.validated_data["scenario"].get("rules", ())),
                }
            ),
            on=body.validated_data.get("date"),
            requested_by=request.user,
        )
        return Response(
            ImpactAnalysisOutputSerializer(analysis).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": f"/api/v1/impact-analyses/{analysis.pk}"},
        )


class ImpactAnalysisDetailApi(APIView):
    @extend_schema(
        summary="An impact analysis: its state, and its result when done",
        responses={
            200: ImpactAnalysisOutputSerializer,
            **error_responses(_404="`impact_analysis_not_found`."),
        },
    )
    def get(self, request: Request, analysis_id: int) -> Response:
        analysis = impact_analysis_get(analysis_id=analysis_id)
        return Response(ImpactAnalysisOutputSerializer(analysis).data, status=status.HTTP_200_OK)


class TariffChangeRollbackApi(APIView):
    # Reading the log; the right to draft what undoes each kind is checked by the service.
    write_permissions = ["tariffs.view_tariffchange"]

    @extend_schema(
        summary="Draft what restores the state before a change",
        description="For a rule's approval its proposed end, for an ended rule a draft rule "
        "with its adjustment, a draft tariff version with the previous terms, a draft zoning with "
        "the previous classes and factors, or for a model promotion the retired version to "
        "promote again. Each goes through four eyes (and evidence) like any draft: the client "
        "asking for it cannot approve it.",
        request=None,
        responses={
            201: TariffChangeRollbackOutputSerializer,
            **error_responses(
                _403="`permission_denied`: the right to draft that kind of change.",
                _404="`tariff_change_not_found`.",
                _422="`rollback_not_possible`: a later change replaced it, nothing came before "
                "it, or a draft cannot undo it (the health index).",
            ),
        },
    )
    def post(self, request: Request, change_id: int) -> Response:
        rollback = tariff_change_rollback(
            change=tariff_change_get(change_id=change_id), requested_by=request.user
        )
        return Response(
            TariffChangeRollbackOutputSerializer(rollback).data, status=status.HTTP_201_CREATED
        )


class TariffChangeListApi(APIView):
    @extend_schema(
        summary="The tariff change log: every change that put prices in force or took them out",
        operation_id="tariff_changes_list",
        parameters=[TariffChangeListInputSerializer],
        responses={
            200: paginated(TariffChangeOutputSerializer),
            **error_responses(_400="`invalid`."),
        },
    )
    def get(self, request: Request) -> Response:
        query = TariffChangeListInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return paginated_response(
            request=request,
            view=self,
            queryset=tariff_change_list(
                kind=query.validated_data.get("kind"),
                since=query.validated_data.get("since"),
                until=query.validated_data.get("until"),
            ),
            serializer_class=TariffChangeOutputSerializer,
        )
