"""Writes of the tariff's versions: its commercial terms, never changed once stored; and the
tables file of the prices in force (brands, rules and versions) loaded as a whole."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext

from pricing_site.approvals import approval_check
from pricing_site.exceptions import ApplicationError, ConflictError
from pricing_site.history import admin_history_record
from strategies.models import DraftState
from strategies.services import TABLES_FILE_REASON, strategies_load
from tariffs.caching import tariff_versions_cache_clear
from tariffs.models import TariffVersion
from tariffs.services.changes import tariff_version_approval_record


@transaction.atomic
def tariff_version_create(*, version: TariffVersion, created_by: Any = None) -> TariffVersion:
    """Add a tariff version in force from its date; versions are never changed afterwards, so a
    stored quote keeps the one it was priced with."""
    if version.pk is not None:
        raise ApplicationError(
            "A tariff version is never changed: create a new version from it instead.",
            code="tariff_version_immutable",
        )
    version.created_by = created_by
    version.full_clean()
    version.save()
    transaction.on_commit(tariff_versions_cache_clear)
    return version


def tariff_version_in_force(*, on: datetime.date) -> TariffVersion | None:
    """The approved version quotes of *on* use (read fresh: inside an approval, not cached)."""
    return (
        TariffVersion.objects.filter(state=DraftState.APPROVED, valid_from__lte=on)
        .order_by("-valid_from", "-pk")
        .first()
    )


@transaction.atomic
def tariff_version_approve(
    *, version: TariffVersion, approved_by: Any, reason: str = ""
) -> TariffVersion:
    """Approve a draft tariff version: quotes use it from its date. Its amounts never change;
    the approval is written in its history and the change log. The approver holds the right and
    did not draft it (four eyes), and saw an impact analysis of it or writes a *reason*."""
    if version.state == DraftState.APPROVED:
        raise ConflictError(
            gettext("Tariff version %(id)s is already approved.") % {"id": version.pk},
            code="tariff_version_already_approved",
        )
    approved_alone = approval_check(
        author_ids=[version.created_by_id],
        approver=approved_by,
        permission="tariffs.approve_tariffversion",
        subject=gettext("tariff version %(id)s") % {"id": version.pk},
    )
    previous = tariff_version_in_force(on=version.valid_from)
    version.state = DraftState.APPROVED
    version.save(update_fields=["state"])
    tariff_version_approval_record(
        version=version,
        previous=previous,
        approved_by=approved_by,
        approved_alone=approved_alone,
        reason=reason,
    )
    admin_history_record(
        user=approved_by,
        obj=version,
        message=gettext("Approved: quotes use it from %(start)s.")
        % {"start": date_format(version.valid_from, "SHORT_DATE_FORMAT")},
    )
    transaction.on_commit(tariff_versions_cache_clear)
    return version


@dataclass(frozen=True)
class TariffTablesLoadReport:
    brands: int
    aliases: int
    rules: int
    fuel_mappings: int
    tariff_versions: int


@transaction.atomic
def tariff_tables_load(*, tables: dict[str, Any]) -> TariffTablesLoadReport:
    """Add the brands, rules, fuel mappings and tariff versions of *tables* not there yet
    (loading the same file twice adds nothing), through the same validation as the admin; all
    or nothing. The file holds the prices in force: its rules and versions are approved."""
    strategies = strategies_load(tables=tables)
    added = 0
    try:
        for entry in tables.get("tariff_versions", []):
            valid_from = datetime.date.fromisoformat(entry["valid_from"])
            if not TariffVersion.objects.filter(valid_from=valid_from).exists():
                previous = tariff_version_in_force(on=valid_from)
                version = tariff_version_create(
                    version=TariffVersion(
                        valid_from=valid_from,
                        reference_base_year=entry["reference_base_year"],
                        reference_month=datetime.date.fromisoformat(entry["reference_month"]),
                        commercial_loading=Decimal(entry["commercial_loading"]),
                        policy_fee=Decimal(entry["policy_fee"]),
                        minimum_premium=Decimal(entry["minimum_premium"]),
                        note=entry.get("note", ""),
                        state=DraftState.APPROVED,
                    )
                )
                tariff_version_approval_record(
                    version=version,
                    previous=previous,
                    approved_by=None,
                    approved_alone=False,
                    reason=TABLES_FILE_REASON,
                )
                added += 1
    except ValidationError as error:
        raise ApplicationError(
            f"Nothing was loaded: {'; '.join(error.messages)}", code="invalid_tables"
        ) from error
    except (KeyError, ValueError, ArithmeticError) as error:
        raise ApplicationError(
            f"Nothing was loaded: the tables file is not in the expected layout ({error!r}).",
            code="invalid_tables",
        ) from error
    return TariffTablesLoadReport(
        brands=strategies.brands,
        aliases=strategies.aliases,
        rules=strategies.rules,
        fuel_mappings=strategies.fuel_mappings,
        tariff_versions=added,
    )
