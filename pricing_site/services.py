"""Writes shared by every app: API clients and the staff groups."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from rest_framework.authtoken.models import Token

from pricing_site.exceptions import ApplicationError, ConflictError

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


@transaction.atomic
def api_client_create(
    *, name: str, permissions: list[str] | None = None, groups: list[str] | None = None
) -> Token:
    """Create an API client (a user who cannot log in to the admin) and its token."""
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
    return Token.objects.create(user=user, key=secrets.token_hex(20))
