"""The tariff's API: quotes (create, read, price again), pricing batches and impact analyses."""

import hashlib

from django.conf import settings
from django.http import StreamingHttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pricing_site.api import (
    IDEMPOTENCY_KEY_PARAMETER,
    body_bounded,
    error_responses,
    paginated,
    paginated_response,
)
from pricing_site.idempotency import idempotency_parse
from tariffs.api.serializers import (
    ImpactAnalysisCreateInputSerializer,
    ImpactAnalysisOutputSerializer,
    PricingBatchCsvInputSerializer,
    PricingBatchJsonInputSerializer,
    PricingBatchOutputSerializer,
    PricingBatchPolicyListInputSerializer,
    PricingBatchPolicyOutputSerializer,
    QuoteCreateInputSerializer,
    QuoteOutputSerializer,
    QuoteRepricingOutputSerializer,
    TariffChangeListInputSerializer,
    TariffChangeOutputSerializer,
    TariffChangeRollbackOutputSerializer,
    pricing_batch_csv_lines,
)
from tariffs.selectors import (
    impact_analysis_get,
    pricing_batch_get,
    pricing_batch_results,
    quote_get,
    tariff_change_get,
    tariff_change_list,
)
from tariffs.services import (
    QuoteRequest,
    Scenario,
    csv_policies_count,
    impact_analysis_create,
    json_policies_content,
    pricing_batch_create,
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


class PricingBatchCreateApi(APIView):
    # Pricing a book is quoting it: a client that may quote may price a batch.
    write_permissions = ["tariffs.add_quote"]
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        summary="Price a whole book of policies",
        description="Policies as JSON (each as the quote's body, with an optional `reference`) "
        "or a CSV file in the portfolio layout. Each policy is priced with the quote's steps "
        "to the cent, or gets its errors (line or index, and field) while the others are "
        "still priced. Up to 1,000 policies are answered at once (201, every result in "
        "`results`); a larger batch is priced by the workers (202 and its URL: read its "
        "`state`, then its results as JSON pages or CSV).",
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request={
            "application/json": PricingBatchJsonInputSerializer,
            "multipart/form-data": PricingBatchCsvInputSerializer,
        },
        responses={
            201: PricingBatchOutputSerializer,
            202: PricingBatchOutputSerializer,
            200: PricingBatchOutputSerializer,
            **error_responses(
                _400="`invalid`, `invalid_batch` (the CSV's columns, or not a CSV), "
                "`too_many_policies`, `body_too_large`, "
                "`date_before_first_tariff`, "
                "`date_beyond_horizon`, `invalid_idempotency_key`.",
                _403="`permission_denied`: quoting, also needed to store quotes.",
                _422="`idempotency_key_reused`.",
                _429="`too_many_batches`: as many of your batches are in progress as allowed.",
                _503="`no_production_model`, `no_health_index`, `no_tariff`, "
                "`location_model_in_production`.",
            ),
        },
    )
    def post(self, request: Request) -> Response:
        # Refused before it is read: a JSON body is parsed whole.
        body_bounded(request, limit=settings.PRICING_BATCH_MAX_BYTES)
        body: serializers.Serializer
        if request.content_type.startswith("multipart/"):
            body = PricingBatchCsvInputSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            data = dict(body.validated_data)
            source, content = "csv", data.pop("file").read()
            count = csv_policies_count(content=content)
            # What a retry is compared by: the file's bytes and the other fields.
            data["file_sha256"] = hashlib.sha256(content).hexdigest()
        else:
            body = PricingBatchJsonInputSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            data = dict(body.validated_data)
            source, content = "json", json_policies_content(data["policies"])
            count = len(data["policies"])
        batch, created = pricing_batch_create(
            source=source,
            content=content,
            policies=count,
            on=data.get("date"),
            store_quotes=data["store_quotes"],
            requested_by=request.user,
            idempotency=idempotency_parse(request, data),
        )
        answer: int = status.HTTP_202_ACCEPTED
        if not created:
            answer = status.HTTP_200_OK
        elif batch.state == batch.State.DONE:
            answer = status.HTTP_201_CREATED
        return Response(
            PricingBatchOutputSerializer(batch).data,
            status=answer,
            headers={"Location": f"/api/v1/pricing-batches/{batch.pk}"},
        )


class PricingBatchDetailApi(APIView):
    @extend_schema(
        summary="A pricing batch: its state, and its results when done",
        responses={
            200: PricingBatchOutputSerializer,
            **error_responses(_404="`pricing_batch_not_found`: not yours, or no longer kept."),
        },
    )
    def get(self, request: Request, batch_id: int) -> Response:
        batch = pricing_batch_get(batch_id=batch_id, requested_by=request.user)
        return Response(PricingBatchOutputSerializer(batch).data, status=status.HTTP_200_OK)


BATCH_RESULTS_ERRORS = error_responses(
    _404="`pricing_batch_not_found`: not yours, or no longer kept.",
    _409="`pricing_batch_not_done`: queued, running or failed (`extra.state`).",
)


class PricingBatchPolicyListApi(APIView):
    @extend_schema(
        summary="A pricing batch's results: each policy's premium and steps, or its errors",
        operation_id="pricing_batch_policies_list",
        parameters=[PricingBatchPolicyListInputSerializer],
        responses={
            200: paginated(PricingBatchPolicyOutputSerializer),
            **error_responses(_400="`invalid`."),
            **BATCH_RESULTS_ERRORS,
        },
    )
    def get(self, request: Request, batch_id: int) -> Response:
        query = PricingBatchPolicyListInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        batch = pricing_batch_get(batch_id=batch_id, requested_by=request.user)
        return paginated_response(
            request=request,
            view=self,
            queryset=pricing_batch_results(batch=batch, failed=query.validated_data["failed"]),
            serializer_class=PricingBatchPolicyOutputSerializer,
            page_size=1000,
        )


class PricingBatchCsvApi(APIView):
    @extend_schema(
        summary="A pricing batch's results as one CSV file",
        description="One line per policy in the order sent: index, line, reference, premium, "
        "each step's amount, risk class, fuel priced as, rule, adjustment, frequency, quote, "
        "errors.",
        responses={
            (200, "text/csv"): OpenApiResponse(response=str),
            **BATCH_RESULTS_ERRORS,
        },
    )
    def get(self, request: Request, batch_id: int) -> StreamingHttpResponse:
        batch = pricing_batch_get(batch_id=batch_id, requested_by=request.user)
        results = pricing_batch_results(batch=batch)  # refused before the first line if not done
        return StreamingHttpResponse(
            pricing_batch_csv_lines(results.iterator(chunk_size=5000)),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="pricing-batch-{batch.pk}.csv"'},
        )


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
