"""The zipcode API: one zipcode's risk class, and the table filtered by class."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pricing_site.api import error_responses, paginated, paginated_response
from zipcodes.api.serializers import (
    ZipcodeListInputSerializer,
    ZipcodeOutputSerializer,
    ZipcodeRiskOutputSerializer,
)
from zipcodes.selectors import zipcode_list, zipcode_parse, zipcode_risk_class_get

ZIPCODE_PATTERN = r"^[1-9][0-9]{3}$"


class ZipcodeDetailApi(APIView):
    @extend_schema(
        summary="Risk class of a zipcode",
        parameters=[
            OpenApiParameter(
                "zipcode",
                str,
                OpenApiParameter.PATH,
                pattern=ZIPCODE_PATTERN,
                description="1000-9999",
            )
        ],
        responses={
            200: ZipcodeRiskOutputSerializer,
            **error_responses(
                _400="`invalid_zipcode`: not a number from 1000 to 9999.",
                _404="`zipcode_not_found`: a valid zipcode that is not in the risk table.",
            ),
        },
    )
    def get(self, request: Request, zipcode: str) -> Response:
        risk = zipcode_risk_class_get(code=zipcode_parse(raw=zipcode))
        return Response(ZipcodeRiskOutputSerializer(risk).data, status=status.HTTP_200_OK)


class ZipcodeListApi(APIView):
    @extend_schema(
        summary="Zipcodes, optionally of one risk class",
        operation_id="zipcodes_list",
        parameters=[ZipcodeListInputSerializer],
        responses={
            200: paginated(ZipcodeOutputSerializer),
            **error_responses(_400="`invalid`: unknown risk class (see `fields`)."),
        },
    )
    def get(self, request: Request) -> Response:
        query = ZipcodeListInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        zipcodes = zipcode_list(risk_class=query.validated_data.get("risk_class"))
        return paginated_response(
            request=request, view=self, queryset=zipcodes, serializer_class=ZipcodeOutputSerializer
        )
