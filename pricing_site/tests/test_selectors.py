"""Reads shared by every app: the API client's principal, built without a query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pricing_site.selectors import ApiClientPrincipal

pytestmark = pytest.mark.django_db


def test_a_principals_user_answers_permission_checks_from_its_cached_permissions():
    """The principal fills Django's private `_perm_cache` (pricing_site/selectors.py, the one
    place that reaches into it): this fails on the Django upgrade that stops reading it."""
    principal = ApiClientPrincipal(
        key_id="abcdefgh.sha512$$0",
        hashed_key="sha512$$0",
        revoked=False,
        expires_at=None,
        user_id=1,
        username="partner",
        is_active=True,
        is_staff=False,
        is_superuser=False,
        permissions=frozenset({"tariffs.add_quote"}),
    )

    with CaptureQueriesContext(connection) as queries:
        granted = principal.user.has_perm("tariffs.add_quote")
        refused = principal.user.has_perm("mlmodels.promote_modelversion")

    assert (granted, refused, len(queries)) == (True, False, 0)
