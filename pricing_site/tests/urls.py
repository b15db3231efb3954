"""Views that exist only to exercise the shared error handling."""

from django.urls import include, path
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from pricing_site.exceptions import ConflictError, NotFoundError, ServiceUnavailableError
from pricing_site.urls import urlpatterns as project_urlpatterns


class EchoInputSerializer(serializers.Serializer):
    zipcode = serializers.IntegerField(min_value=1000, max_value=9999)
    records = serializers.ListField(
        child=serializers.DictField(child=serializers.IntegerField(max_value=10)), required=False
    )


class EchoApi(APIView):
    write_permissions = ("auth.add_user",)

    def get(self, request):
        serializer = EchoInputSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data)

    def post(self, request):
        serializer = EchoInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data)


class FailingApi(APIView):
    errors = {
        "boom": ZeroDivisionError("forced failure"),
        "missing": NotFoundError("No such thing.", code="thing_not_found"),
        "conflict": ConflictError("Already done."),
        "down": ServiceUnavailableError("Nothing to serve yet.", code="no_production_model"),
    }

    def get(self, request, kind):
        raise self.errors[kind]


test_patterns = [
    path("echo", EchoApi.as_view()),
    path("fail/<str:kind>", FailingApi.as_view()),
]

urlpatterns = [path("api/v1/test/", include(test_patterns)), *project_urlpatterns]
