"""Per-client throttling, counted in the cache sync every request goes through anyway.

DRF's rate throttles keep every request's timestamp of the window in one cached list that is read
and written back whole on each request: at thousands of requests a minute that list is the most
expensive part of a request. A fixed-window counter (INCR) costs the same at any rate; a client
may burst up to twice its rate across a window boundary, which is fine for fairness limits.

A request with an API token is counted by the request middleware through `cache_sync`, with the
cache generation (`client_request_counter`; what that count may miss is said there): the throttle
then only compares.
"""

import time
from typing import TYPE_CHECKING

from django.http import HttpRequest
from rest_framework import HTTP_HEADER_ENCODING
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.throttling import UserRateThrottle

from pricing_site.authentication import authorization_token
from pricing_site.caching import WindowCounter, token_digest, window_counter_increment
from pricing_site.handlers import API_PREFIX

if TYPE_CHECKING:  # rest_framework.views imports this module through the settings
    from rest_framework.views import APIView


class ClientRateThrottle(UserRateThrottle):
    """`PRICING_THROTTLE_RATE` requests per client: its token, else its user, else its address."""

    num_requests: int  # set from the rate by SimpleRateThrottle.__init__
    duration: int

    def counter(self, *, ident: str) -> WindowCounter:
        window = int(time.time() // self.duration)
        return WindowCounter(
            key=f"throttle:{self.scope}:{ident}:{window}",
            seconds=self.duration,
            ends_at=(window + 1) * self.duration,
        )

    def token_counter(self, *, token_key: str) -> WindowCounter:
        return self.counter(ident=f"token:{token_digest(token_key=token_key)}")

    def allow_request(self, request: Request, view: "APIView") -> bool:
        if self.rate is None:
            return True
        # Counted by the middleware when the request carries a token (see the module docstring).
        counted: tuple[WindowCounter, int | None] | None = getattr(
            request, "client_request_count", None
        )
        if counted is not None:
            counter, count = counted
        else:
            if isinstance(request.auth, str):
                counter = self.token_counter(token_key=request.auth)
            elif request.user and request.user.is_authenticated:
                counter = self.counter(ident=f"user:{request.user.pk}")
            else:
                counter = self.counter(ident=f"address:{self.get_ident(request)}")
            count = window_counter_increment(counter=counter)
        self.retry_after = counter.seconds - (time.time() % counter.seconds)
        # With Redis down the count is None: requests go on rather than fail.
        return count is None or count <= self.num_requests

    def wait(self) -> float:
        return self.retry_after


def client_request_counter(request: HttpRequest) -> WindowCounter | None:
    """The throttle's counter for the API token *request* carries; None without one."""
    if not request.path.startswith(API_PREFIX):
        return None
    try:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        token_key = authorization_token(header.encode(HTTP_HEADER_ENCODING))
    except AuthenticationFailed:
        return None  # refused by authentication before the throttle is asked
    throttle = ClientRateThrottle()
    if token_key is None or throttle.rate is None:
        return None
    return throttle.token_counter(token_key=token_key)
