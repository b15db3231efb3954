"""Project-level endpoints: liveness, readiness, the API floor, and JSON answers for API URLs."""

import ipaddress
import logging
import os
import sys
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.csrf import csrf_exempt
from django.views.defaults import bad_request, server_error
from drf_spectacular.utils import extend_schema, inline_serializer
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pricing_site.api import error_responses
from pricing_site.exception_handler import (
    DATABASE_UNAVAILABLE_ERRORS,
    DATABASE_UNAVAILABLE_HEADERS,
    database_unavailable_body,
    error_body,
    internal_error_body,
)
from pricing_site.handlers import API_PREFIX
from pricing_site.readiness import degradations_get

logger = logging.getLogger(__name__)


def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and answering."""
    return JsonResponse({"status": "ok"})


def cache_ping() -> None:
    if settings.REDIS_URL:
        # The cache client swallows Redis errors by design, so ask Redis directly.
        from django_redis import get_redis_connection

        get_redis_connection("default").ping()
    else:
        cache.set("pricing_site:readyz", 1, 5)


def database_ping() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


READINESS_CHECKS = {"database": database_ping, "cache": cache_ping}


def readyz(request: HttpRequest) -> JsonResponse:
    """The database and the cache are reachable; 503 naming each one that is not. A promoted
    model this process could not load makes it "degraded" (200: it still serves the previous
    one), naming the versions and the reason."""
    checks: dict[str, str] = {}
    for name, check in READINESS_CHECKS.items():
        try:
            check()
            checks[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready", whatever its type
            logger.warning("readiness check failed", extra={"check": name, "error": repr(exc)})
            checks[name] = "unreachable"
    failed = [name for name, result in checks.items() if result != "ok"]
    if failed:
        body = error_body(
            code="not_ready",
            detail=f"Not ready: {', '.join(failed)} unreachable.",
            extra={"checks": checks, "failed": failed},
        )
        return JsonResponse(body, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    degraded = degradations_get()
    if degraded:
        return JsonResponse({"status": "degraded", "checks": checks, **degraded})
    return JsonResponse({"status": "ok", "checks": checks})


def metrics_allowed(request: HttpRequest) -> bool:
    """With PRICING_METRICS_TOKEN set, a bearer of it. Without it, nobody in production (DEBUG
    off): a private address is no proof behind a proxy; on a laptop, callers on private networks."""
    token = settings.PRICING_METRICS_TOKEN
    if token:
        return constant_time_compare(request.headers.get("Authorization", ""), f"Bearer {token}")
    if not settings.DEBUG:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return address.is_loopback or address.is_private


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics of every web process (aggregated under gunicorn); not public."""
    if not metrics_allowed(request):
        detail = "Metrics are not public." + (
            "" if settings.DEBUG else " Set PRICING_METRICS_TOKEN and send it as a bearer token."
        )
        body = error_body(code="permission_denied", detail=detail)
        return JsonResponse(body, status=status.HTTP_403_FORBIDDEN)
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


class PingApi(APIView):
    """An authenticated no-op: the framework's floor for API clients and benchmarks."""

    @extend_schema(
        summary="Check credentials",
        responses={
            200: inline_serializer("Ping", {"status": serializers.CharField()}),
            **error_responses(_401="Missing or invalid token."),
        },
    )
    def get(self, request: Request) -> Response:
        return Response({"status": "ok"}, status=status.HTTP_200_OK)


@csrf_exempt  # An unknown URL answers 404 whatever the method; there is nothing to protect.
def api_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    body = error_body(code="not_found", detail=f"No API endpoint at {request.path}.")
    return JsonResponse(body, status=status.HTTP_404_NOT_FOUND)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the JSON error under /api/, Django's page elsewhere (the admin)."""
    if request.path.startswith(API_PREFIX):
        body = error_body(
            code="csrf_failed",
            detail="A session cookie came without a valid CSRF token; API clients send a token.",
        )
        return JsonResponse(body, status=status.HTTP_403_FORBIDDEN)
    return django_csrf_failure(request, reason=reason)


def handle_bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400 (a request Django itself refuses): JSON under /api/ and for a Host header we do
    not serve, whatever the path; Django's page for the admin."""
    if isinstance(exception, DisallowedHost):
        body = error_body(code="disallowed_host", detail="This host name is not served here.")
        return JsonResponse(body, status=status.HTTP_400_BAD_REQUEST)
    if request.path.startswith(API_PREFIX):
        body = error_body(code="bad_request", detail="The request is malformed.")
        return JsonResponse(body, status=status.HTTP_400_BAD_REQUEST)
    return bad_request(request, exception)


def handle_server_error(request: HttpRequest) -> HttpResponse:
    """handler500: JSON under /api/ (503 when the database is down, else 500 with an error id),
    Django's page elsewhere (the admin)."""
    if request.path.startswith(API_PREFIX):
        exc = sys.exc_info()[1] or RuntimeError("unknown")
        if isinstance(exc, DATABASE_UNAVAILABLE_ERRORS):
            return JsonResponse(
                database_unavailable_body(exc, path=request.path),
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
                headers=DATABASE_UNAVAILABLE_HEADERS,
            )
        body = internal_error_body(exc, path=request.path)
        return JsonResponse(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    return server_error(request)


def login_locked_out(request: HttpRequest, response: Any, credentials: Any) -> HttpResponse:
    """What a locked-out login gets (django-axes): said in the staff's language, 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "admin/login_locked_out.html",
        {"title": gettext("Logging in is paused"), "minutes": minutes},
        status=status.HTTP_429_TOO_MANY_REQUESTS,
    )
