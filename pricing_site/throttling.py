"""Per-client throttling in one Redis round trip.

DRF's rate throttles keep every request's timestamp of the window in one cached list that is read
and written back whole on each request: at thousands of requests a minute that list is the most
expensive part of a request. A fixed-window counter (INCR) costs the same at any rate; a client
may burst up to twice its rate across a window boundary, which is fine for fairness limits.
"""

import time
from typing import TYPE_CHECKING

from django.core.cache import cache
from rest_framework.request import Request

if TYPE_CHECKING:  # rest_framework.views imports this module through the settings
    from rest_framework.views import APIView
from rest_framework.throttling import UserRateThrottle


class ClientRateThrottle(UserRateThrottle):
    """`PRICING_THROTTLE_RATE` requests per client (its token's user, else its address)."""

    num_requests: int  # set from the rate by SimpleRateThrottle.__init__
    duration: int

    def allow_request(self, request: Request, view: "APIView") -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = time.time()
        window = int(now // self.duration)
        self.retry_after = self.duration - (now % self.duration)
        counter = f"{key}:{window}"
        try:
            count = cache.incr(counter)
        except ValueError:  # first request of the window
            count = 1 if cache.add(counter, 1, self.duration) else cache.incr(counter)
        # With Redis down the cache answers None: requests go on rather than fail.
        return count is None or count <= self.num_requests

    def wait(self) -> float:
        return self.retry_after
