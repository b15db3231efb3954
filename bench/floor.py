"""The framework's floors: an otherwise empty Django project with DRF (no middleware,
authentication, throttling or logging of ours), served by the image's gunicorn config beside the
service, so every endpoint is measured against what the framework itself costs.

- `GET /floor`: one `APIView` answering a constant (the bare GET).
- `POST /floor/write`: one `APIView` that parses the JSON body and INSERTs it with an amount
  and a timestamp through the ORM into the bench's PostgreSQL, committed before it answers (the
  durable write every stored quote pays).

`DJANGO_SETTINGS_MODULE=bench.floor_settings gunicorn -c gunicorn.conf.py bench.floor`."""

from decimal import Decimal
from typing import Any

from django.core.wsgi import get_wsgi_application
from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

application = get_wsgi_application()

from bench.models import FloorWrite  # noqa: E402 - the app registry is ready only from here


class BareFloorApi(APIView):
    def get(self, request: Request) -> Response:
        return Response({"status": "ok"})


class DurableWriteFloorApi(APIView):
    def post(self, request: Request) -> Response:
        # Autocommit: the INSERT is committed when create() returns, before the answer.
        row = FloorWrite.objects.create(body=request.data, amount=Decimal("123.45"))
        return Response({"id": row.pk, "amount": str(row.amount)}, status=201)


urlpatterns: list[Any] = [
    path("floor", BareFloorApi.as_view()),
    path("floor/write", DurableWriteFloorApi.as_view()),
]
