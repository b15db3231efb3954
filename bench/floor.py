"""The framework's bare floor: one DRF `APIView` in an otherwise empty Django project (no
middleware, authentication, throttling or logging of ours), served by the image's gunicorn
config beside the service, so every endpoint is measured against what the framework itself
costs. `DJANGO_SETTINGS_MODULE=bench.floor_settings gunicorn -c gunicorn.conf.py bench.floor`."""

from typing import Any

from django.core.wsgi import get_wsgi_application
from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class BareFloorApi(APIView):
    def get(self, request: Request) -> Response:
        return Response({"status": "ok"})


urlpatterns: list[Any] = [path("floor", BareFloorApi.as_view())]
application = get_wsgi_application()
