"""What every request carries: a request id (echoed in a response header, stamped on every log
line written while it is served), the cache generation it reads, its client's count for the
throttle, and its count and latency per endpoint for Prometheus.

The request's own log line is the server's access line (gunicorn.conf.py: JSON, with this request
id), written once the answer is sent; the application does not write a second one.
"""

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse

from pricing_site.caching import cache_sync, request_generation
from pricing_site.logs import request_id_var
from pricing_site.metrics import HTTP_REQUEST_SECONDS, HTTP_REQUESTS
from pricing_site.throttling import client_request_counter
from pricing_site.views import handle_bad_request

# A caller's id is kept only when it is short and plain, so log lines cannot be forged through it.
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = settings.PRICING_REQUEST_ID_HEADER
        self.meta_key = "HTTP_" + self.header.upper().replace("-", "_")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get(self.meta_key, "")
        request_id = incoming if VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        counter = client_request_counter(request)
        current, count = cache_sync(counter=counter)
        if counter is not None:
            request.client_request_count = (counter, count)  # type: ignore[attr-defined]
        generation = request_generation.set(current)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
            request_generation.reset(generation)
        duration = time.perf_counter() - started
        # The route name, not the path: one series per endpoint, whatever the ids in the URL.
        match = request.resolver_match
        endpoint = match.view_name if match else "unmatched"
        HTTP_REQUESTS.labels(endpoint, request.method, response.status_code).inc()
        HTTP_REQUEST_SECONDS.labels(endpoint).observe(duration)
        response[self.header] = request_id
        return response


class HostCheckMiddleware:
    """A Host header we do not serve gets the API's JSON error with DEBUG on too, where Django
    answers its HTML debug page instead of handler400; logged as Django logs it. With DEBUG off
    handler400 already answers, so the hot path does no second host check."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.DEBUG:
            return self.get_response(request)
        try:
            request.get_host()
        except DisallowedHost as error:
            logging.getLogger("django.security.DisallowedHost").error(str(error))
            return handle_bad_request(request, error)
        return self.get_response(request)
