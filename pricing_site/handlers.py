"""The WSGI application: API calls with a token take a middleware chain without the browser's
parts, every other request the whole of settings.MIDDLEWARE.

A token-authenticated API call has no session, cookie, CSRF token, flash message, frame to
protect or static file: that middleware only costs it time (measured by `python -m bench.profile
layers`: the largest layer of a warm ping). Security headers, the client's language and our
request context stay.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from rest_framework import HTTP_HEADER_ENCODING
from rest_framework.exceptions import AuthenticationFailed

from pricing_site.authentication import authorization_token

API_PREFIX = "/api/"

# Middleware that serves browsers only (the admin, the API docs, a session-authenticated API call).
BROWSER_ONLY_MIDDLEWARE = frozenset(
    {
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    }
)


class TokenApiHandler(WSGIHandler):
    """Django's handler with settings.MIDDLEWARE less the browser-only middleware."""

    def load_middleware(self, is_async: bool = False) -> None:
        # BaseHandler builds its chain from settings.MIDDLEWARE, read here once, at startup.
        everything = settings.MIDDLEWARE
        settings.MIDDLEWARE = [name for name in everything if name not in BROWSER_ONLY_MIDDLEWARE]
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = everything


def is_token_api_call(*, path: str, authorization: str) -> bool:
    if not path.startswith(API_PREFIX):
        return False
    try:
        return authorization_token(authorization.encode(HTTP_HEADER_ENCODING)) is not None
    except AuthenticationFailed:
        return True  # a malformed token: refused by token authentication, which needs no session


class SiteHandler:
    def __init__(self) -> None:
        self.browser = WSGIHandler()
        self.token_api = TokenApiHandler()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        token_call = is_token_api_call(
            path=environ.get("PATH_INFO", ""), authorization=environ.get("HTTP_AUTHORIZATION", "")
        )
        handler = self.token_api if token_call else self.browser
        return handler(environ, start_response)
