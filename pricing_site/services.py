"""Writes shared by every app: API clients and their keys, and the staff groups."""

import datetime
import logging
import math
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.utils import timezone

from pricing_site.exceptions import ApplicationError, ConflictError, NotFoundError
from pricing_site.models import ApiKey

logger = logging.getLogger(__name__)

# Each group holds exactly the permissions its job needs ("app_label.codename").
STAFF_GROUPS: dict[str, tuple[str, ...]] = {
    "pricing editors": (
        "zipcodes.view_zipcode",
        "zipcodes.add_zipcode",
        "zipcodes.change_zipcode",
        "zipcodes.delete_zipcode",
        "zipcodes.view_riskclass",
        "zipcodes.change_riskclass",
        "tariffs.view_zoningproposal",
        "tariffs.approve_zoningproposal",
        "indices.view_healthindex",
        "strategies.view_brand",
        "strategies.add_brand",
        "strategies.change_brand",
        "strategies.view_brandalias",
        "strategies.add_brandalias",
        "strategies.change_brandalias",
        "strategies.delete_brandalias",
        "strategies.view_pricingrule",
        "strategies.add_pricingrule",
        "strategies.change_pricingrule",
        "strategies.approve_pricingrule",
        "tariffs.view_impactanalysis",
        "tariffs.add_impactanalysis",
        "tariffs.view_tariffversion",
        "tariffs.add_tariffversion",
        "tariffs.approve_tariffversion",
        "tariffs.view_quote",
        "strategies.view_fuelmapping",
        "strategies.add_fuelmapping",
        "strategies.change_fuelmapping",
        "strategies.delete_fuelmapping",
        "mlmodels.view_modelversion",
        "mlmodels.view_dataset",
        "tariffs.view_tariffevaluation",
        "tariffs.view_tariffchange",
    ),
    "model managers": (
        "zipcodes.view_zipcode",
        "indices.view_healthindex",
        "mlmodels.view_dataset",
        "mlmodels.add_dataset",
        "mlmodels.view_modelversion",
        "mlmodels.add_modelversion",
        "mlmodels.promote_modelversion",
        "mlmodels.view_trainingjob",
        "tariffs.view_tariffevaluation",
        "tariffs.view_zoningproposal",
        "tariffs.view_impactanalysis",
        "tariffs.add_impactanalysis",
        "tariffs.view_tariffchange",
    ),
    # Answers data subjects: exports and erases a quote's personal data, reads what was done, and
    # sees which API client priced which batch (kept for PRICING_BATCH_KEPT_HOURS).
    "privacy officers": (
        "tariffs.view_quote",
        "tariffs.view_pricingbatch",
        "tariffs.erase_quote",
        "tariffs.view_quoteprivacyaction",
    ),
}


# What a new API client may do unless told otherwise: read and predict (a token suffices) and
# quote. Writes to models and datasets are granted explicitly.
DEFAULT_API_CLIENT_PERMISSIONS = ("tariffs.add_quote",)


def permissions_get(*, names: tuple[str, ...] | list[str]) -> list[Permission]:
    """The permissions named `app_label.codename`; an unknown name is an error, never skipped."""
    found = {
        f"{permission.content_type.app_label}.{permission.codename}": permission
        for permission in Permission.objects.select_related("content_type")
    }
    unknown = sorted(set(names) - found.keys())
    if unknown:
        raise ApplicationError(
            f"Unknown permission(s): {', '.join(unknown)}.", code="unknown_permission"
        )
    return [found[name] for name in names]


@transaction.atomic
def staff_groups_ensure() -> list[Group]:
    """Create or align the staff groups so each holds exactly its declared permissions."""
    groups = []
    for name, permission_names in STAFF_GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions_get(names=permission_names))
        groups.append(group)
    return groups


@dataclass(frozen=True)
class IssuedKey:
    """A key just issued: `key` is shown this once and stored only as a hash."""

    api_key: ApiKey
    key: str


@transaction.atomic
def api_client_create(
    *,
    name: str,
    permissions: list[str] | None = None,
    groups: list[str] | None = None,
    lifetime: datetime.timedelta | None = None,
) -> IssuedKey:
    """Create an API client (a user who cannot log in to the admin) and its first key."""
    user_model = get_user_model()
    if user_model.objects.filter(username=name).exists():
        raise ConflictError(f"An API client or user named {name!r} already exists.")
    user = user_model.objects.create(username=name)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    if permissions:
        user.user_permissions.set(permissions_get(names=permissions))
    if groups:
        found = list(Group.objects.filter(name__in=groups))
        missing = sorted(set(groups) - {group.name for group in found})
        if missing:
            raise ApplicationError(f"Unknown group(s): {', '.join(missing)}.", code="unknown_group")
        user.groups.set(found)
    return api_key_issue(client=user, lifetime=lifetime)


def api_key_lifetime_default() -> datetime.timedelta:
    return datetime.timedelta(days=settings.PRICING_API_KEY_LIFETIME_DAYS)


@transaction.atomic
def api_key_issue(*, client: Any, lifetime: datetime.timedelta | None = None) -> IssuedKey:
    """A new key for *client*, valid for *lifetime* (PRICING_API_KEY_LIFETIME_DAYS if None)."""
    return api_key_create(
        api_key=ApiKey(
            client=client,
            name=client.get_username()[:50],
            expiry_date=timezone.now() + (lifetime or api_key_lifetime_default()),
        )
    )


@transaction.atomic
def api_key_create(*, api_key: ApiKey) -> IssuedKey:
    """Store new *api_key* (its client, name and expiry set) with a key generated for it."""
    key = ApiKey.objects.assign_key(api_key)
    api_key.full_clean()
    api_key.save()
    return IssuedKey(api_key=api_key, key=key)


@transaction.atomic
def api_client_rotate(
    *, name: str, grace: datetime.timedelta, lifetime: datetime.timedelta | None = None
) -> IssuedKey:
    """A new key for the client *name*; its other keys stay valid for *grace* (or until they
    expire, if sooner), so the client can switch without an outage."""
    client = get_user_model().objects.filter(username=name, is_staff=False).first()
    if client is None:
        raise NotFoundError(f"There is no API client named {name!r}.", code="api_client_not_found")
    ends = timezone.now() + grace
    for api_key in ApiKey.objects.filter(client=client, revoked=False):
        if api_key.expiry_date is None or api_key.expiry_date > ends:
            api_key.expiry_date = ends
            api_key.save(update_fields=["expiry_date"])
    return api_key_issue(client=client, lifetime=lifetime)


@transaction.atomic
def api_key_save(*, api_key: ApiKey) -> ApiKey:
    """Save a stored key's name, expiry or revocation (a revoked key stays revoked)."""
    api_key.full_clean()
    api_key.save()
    return api_key


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    """Refuse *api_key* from now on (401 `token_revoked`); it cannot be undone."""
    api_key.revoked = True
    api_key.save(update_fields=["revoked"])
    return api_key


# Last use of a key: noted per process while a request runs, written after its answer is sent
# (request_finished), at most once a minute per key across processes.
LAST_USED_INTERVAL_S = 60
_last_used_noted: dict[str, float] = {}
_last_used_pending: set[str] = set()


def api_key_used(*, key_id: str) -> None:
    """Note that *key_id* authenticated a request (a dictionary look-up on the request path)."""
    now = time.monotonic()
    if now - _last_used_noted.get(key_id, -math.inf) >= LAST_USED_INTERVAL_S:
        _last_used_noted[key_id] = now
        _last_used_pending.add(key_id)


def api_keys_last_used_write() -> None:
    """Write the noted keys' last use, unless another process did within the minute."""
    while _last_used_pending:
        key_id = _last_used_pending.pop()
        try:
            if cache.add(f"pricing_site:api_key_used:{key_id}", 1, LAST_USED_INTERVAL_S):
                ApiKey.objects.filter(pk=key_id).update(last_used_at=timezone.now())
        except DatabaseError as exc:  # a date to note, never a failure of the request served
            logger.warning("Could not note the last use of API key %s: %s", key_id, exc)
