"""The health-index API: the latest value per base year, and one base year's monthly series."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from indices.api.serializers import (
    MONTH_PATTERN,
    HealthIndexHistoryInputSerializer,
    HealthIndexHistoryOutputSerializer,
    HealthIndexLatestInputSerializer,
    HealthIndexLatestOutputSerializer,
)
from indices.selectors import (
    health_index_get_latest,
    health_index_history,
    health_index_list_latest,
)
from pricing_site.api import error_responses
from pricing_site.exceptions import ApplicationError, NotFoundError

NO_INDEX = "`no_health_index`: nothing stored yet."


class HealthIndexLatestApi(APIView):
    @extend_schema(
        summary="Latest health index, per base year",
        parameters=[HealthIndexLatestInputSerializer],
        responses={
            200: HealthIndexLatestOutputSerializer,
            **error_responses(
                _400="`invalid`: `base_year` is not a number; `unknown_base_year`: no base year "
                "is that one, `extra.valid` lists them.",
                _503=NO_INDEX,
            ),
        },
    )
    def get(self, request: Request) -> Response:
        query = HealthIndexLatestInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        base_year = query.validated_data.get("base_year")
        if base_year is None:
            results = health_index_list_latest()
        else:
            try:
                results = [health_index_get_latest(base_year=base_year)]
            except NotFoundError as error:
                # A filter's value that names nothing is a bad request (400), as for every filter
                # of the API; the base year of a path (the history) is a resource: 404.
                raise ApplicationError(
                    error.message, code=error.code, fields=error.fields, extra=error.extra
                ) from error
        body = {
            "as_of": max(value.month for value in results),
            "stale": any(value.stale for value in results),
            "results": results,
        }
        return Response(HealthIndexLatestOutputSerializer(body).data, status=status.HTTP_200_OK)


class HealthIndexHistoryApi(APIView):
    @extend_schema(
        summary="Monthly health index of one base year",
        parameters=[
            OpenApiParameter(
                "from", str, pattern=MONTH_PATTERN, description="First month, YYYY-MM (inclusive)."
            ),
            OpenApiParameter(
                "to", str, pattern=MONTH_PATTERN, description="Last month, YYYY-MM (inclusive)."
            ),
        ],
        responses={
            200: HealthIndexHistoryOutputSerializer,
            **error_responses(
                _400="`invalid` with `from`/`to` in `fields`.",
                _404="`unknown_base_year`: `extra.valid` lists the base years.",
                _503=NO_INDEX,
            ),
        },
    )
    def get(self, request: Request, base_year: int) -> Response:
        query = HealthIndexHistoryInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        latest = health_index_get_latest(base_year=base_year)
        results = health_index_history(base_year=base_year, **query.validated_data)
        body = {
            "base_year": base_year,
            "as_of": latest.month,
            "stale": latest.stale,
            "results": results,
        }
        return Response(HealthIndexHistoryOutputSerializer(body).data, status=status.HTTP_200_OK)
