"""Writes of the tables staff edit: brands and their aliases, pricing rules and fuel mappings.
The admin, the demo loader and the tests all write through here: one place validates
(`full_clean`), records who changed what, and clears the cached tables on commit."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext

from pricing_site.approvals import approval_check
from pricing_site.exceptions import ApplicationError, ConflictError, UnprocessableError
from pricing_site.text import name_normalize
from strategies.caching import (
    brands_cache_clear,
    fuel_mappings_cache_clear,
    rules_cache_clear,
)
from strategies.models import (
    Brand,
    BrandAlias,
    DraftState,
    FuelMapping,
    PricingRule,
)
from strategies.signals import pricing_rule_approved, pricing_rule_ended

# Why the rules of a tables file are in force without an impact analysis (the change log says so).
TABLES_FILE_REASON = "Loaded from a tables file: the prices in force when the file was written."


def brands_changed() -> None:
    transaction.on_commit(brands_cache_clear)
    transaction.on_commit(rules_cache_clear)  # The cached rules carry their brand's name.


@transaction.atomic
def brand_save(*, brand: Brand) -> Brand:
    """Save *brand* under its canonical name, refused when another brand uses it as an alias."""
    brand.full_clean()
    brand.save()
    brands_changed()
    return brand


@transaction.atomic
def brand_delete(*, brand: Brand) -> None:
    """Delete *brand* and its aliases; a brand that rules use is protected by the database."""
    brand.delete()
    brands_changed()


@transaction.atomic
def brand_alias_save(*, alias: BrandAlias) -> BrandAlias:
    """Save another spelling of a brand, refused when it is the name of another brand."""
    alias.full_clean()
    alias.save()
    brands_changed()
    return alias


@transaction.atomic
def brand_alias_delete(*, alias: BrandAlias) -> None:
    """Forget a spelling: quotes with it are priced as an unknown brand from now on."""
    alias.delete()
    brands_changed()


# What an approved rule prices with: changed only by a new draft (or its end, by two people).
RULE_TERMS = ("brand", "fuel", "adjustment_percent", "valid_from", "valid_to", "is_active")


@transaction.atomic
def pricing_rule_save(*, rule: PricingRule, changed_by: Any = None) -> PricingRule:
    """Save *rule* (bounded adjustment, a period that does not overlap another active rule of the
    same brand and fuel), recording who changed it; its history keeps every earlier state. An
    approved rule's terms are in force: only its note changes here (end it with
    pricing_rule_end_propose, replace it with a new draft)."""
    stored = PricingRule.objects.filter(pk=rule.pk, state=DraftState.APPROVED).first()
    if stored and any(
        getattr(stored, field.attname) != getattr(rule, field.attname)
        for field in (cast(Field, PricingRule._meta.get_field(term)) for term in RULE_TERMS)
    ):
        raise ConflictError(
            gettext(
                "Rule #%(id)s is approved: its terms are in force and do not change. Propose "
                "its end, or draft a new rule."
            )
            % {"id": rule.pk},
            code="approved_rule_locked",
        )
    return rule_write(rule=rule, changed_by=changed_by)


def rule_write(*, rule: PricingRule, changed_by: Any) -> PricingRule:
    rule.changed_by = changed_by
    rule.full_clean()
    rule.save()
    transaction.on_commit(rules_cache_clear)
    return rule


@transaction.atomic
def pricing_rule_end_propose(
    *, rule: PricingRule, last_day: datetime.date, proposed_by: Any
) -> PricingRule:
    """Propose *last_day* as the end of approved *rule* (the day before it starts withdraws it);
    quotes keep using it until another person approves the end. Refused for a draft, for a day
    before yesterday (stored quotes keep their price anyway) and for a later end than today's
    (a longer rule is a new draft)."""
    if rule.state != DraftState.APPROVED:
        raise ConflictError(
            gettext("Rule #%(id)s is a draft: edit or delete it instead.") % {"id": rule.pk},
            code="rule_not_approved",
        )
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    if last_day < yesterday:
        raise UnprocessableError(
            gettext("The last day cannot be before yesterday."),
            code="end_in_past",
            field="last_day",
        )
    if not rule.is_active or (rule.valid_to is not None and last_day >= rule.valid_to):
        raise UnprocessableError(
            gettext("Rule #%(id)s already ends on or before that day.") % {"id": rule.pk},
            code="end_not_earlier",
            field="last_day",
        )
    rule.end_proposed_on = last_day
    rule.end_proposed_by = proposed_by
    return rule_write(rule=rule, changed_by=proposed_by)


@transaction.atomic
def pricing_rule_end_approve(*, rule: PricingRule, approved_by: Any, reason: str) -> PricingRule:
    """Put the proposed end of *rule* in force: from the day after its proposed last day, quotes
    no longer use it (a rule ended before it starts is made inactive). The approver holds the
    right and did not propose the end; ending cannot be simulated, so the written *reason* is
    required (kept in the change log)."""
    if rule.end_proposed_on is None:
        raise ConflictError(
            gettext("No end of rule #%(id)s is proposed.") % {"id": rule.pk},
            code="no_end_proposed",
        )
    approved_alone = approval_check(
        author_ids=[rule.end_proposed_by_id],
        approver=approved_by,
        permission="strategies.approve_pricingrule",
        subject=gettext("the end of rule #%(id)s") % {"id": rule.pk},
    )
    if not reason.strip():
        raise UnprocessableError(
            gettext("Write why rule #%(id)s ends: the change log keeps it.") % {"id": rule.pk},
            code="reason_required",
            field="reason",
        )
    before = {"valid_to": rule.valid_to, "is_active": rule.is_active}
    proposed_by = rule.end_proposed_by
    if rule.end_proposed_on < rule.valid_from:
        rule.is_active = False
    else:
        rule.valid_to = rule.end_proposed_on
    rule.end_proposed_on = None
    rule.end_proposed_by = None
    rule_write(rule=rule, changed_by=approved_by)
    pricing_rule_ended.send(
        sender=PricingRule,
        rule=rule,
        before=before,
        proposed_by=proposed_by,
        approved_by=approved_by,
        approved_alone=approved_alone,
        reason=reason,
    )
    return rule


@transaction.atomic
def pricing_rule_approve(*, rule: PricingRule, approved_by: Any, reason: str = "") -> PricingRule:
    """Approve a draft rule: quotes use it from its start date (refused while it overlaps an
    approved rule of the same brand and fuel: end that one first). The approver holds the right
    and did not draft or change the draft (four eyes); the tariff's change log, written by the
    signal's receiver, refuses it without an impact analysis of the draft as it stands or a
    written *reason*."""
    if rule.state == DraftState.APPROVED:
        raise ConflictError(
            gettext("Rule #%(id)s is already approved.") % {"id": rule.pk},
            code="rule_already_approved",
        )
    approved_alone = approval_check(
        author_ids=rule.history.values_list("changed_by", flat=True),
        approver=approved_by,
        permission="strategies.approve_pricingrule",
        subject=gettext("rule #%(id)s") % {"id": rule.pk},
    )
    drafted_at = PricingRule.objects.values_list("updated_at", flat=True).get(pk=rule.pk)
    rule.state = DraftState.APPROVED
    try:
        rule_write(rule=rule, changed_by=approved_by)
        pricing_rule_approved.send(
            sender=PricingRule,
            rule=rule,
            approved_by=approved_by,
            approved_alone=approved_alone,
            drafted_at=drafted_at,
            reason=reason,
        )
    except Exception:
        rule.state = DraftState.DRAFT  # refused and rolled back: the caller's rule is a draft
        raise
    return rule


@transaction.atomic
def pricing_rule_delete(*, rule: PricingRule) -> None:
    """Delete draft *rule*. An approved rule is never deleted (its end is approved by two
    people, and the change log names it); the database protects those stored quotes used."""
    if rule.state == DraftState.APPROVED:
        raise ConflictError(
            gettext("Rule #%(id)s is approved: propose its end instead of deleting it.")
            % {"id": rule.pk},
            code="approved_rule_locked",
        )
    rule.delete()
    transaction.on_commit(rules_cache_clear)


@transaction.atomic
def fuel_mapping_save(*, mapping: FuelMapping) -> FuelMapping:
    """Price a fuel the models never saw as a fuel they know."""
    mapping.full_clean()
    mapping.save()
    transaction.on_commit(fuel_mappings_cache_clear)
    return mapping


@transaction.atomic
def fuel_mapping_delete(*, mapping: FuelMapping) -> None:
    """Stop pricing a fuel as another: its quotes are refused until it is mapped again."""
    mapping.delete()
    transaction.on_commit(fuel_mappings_cache_clear)


@dataclass(frozen=True)
class StrategiesLoadReport:
    brands: int
    aliases: int
    rules: int
    fuel_mappings: int


def optional_date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


@transaction.atomic
def strategies_load(*, tables: dict[str, Any]) -> StrategiesLoadReport:
    """Add the brands, rules and fuel mappings of *tables* that are not there yet (loading the
    same file twice adds nothing), through the same validation as the admin; all or nothing. The
    file holds the prices in force: its rules are approved."""
    brands = {brand.normalized: brand for brand in Brand.objects.all()}
    known_aliases = set(BrandAlias.objects.values_list("normalized", flat=True))
    added = {"brands": 0, "aliases": 0, "rules": 0, "fuel_mappings": 0}
    mapped = set(FuelMapping.objects.values_list("fuel", flat=True))
    try:
        for entry in tables.get("brands", []):
            brand = brands.get(name_normalize(entry["name"]))
            if brand is None:
                brand = brand_save(brand=Brand(name=entry["name"]))
                brands[brand.normalized] = brand
                added["brands"] += 1
            for spelling in entry.get("aliases", []):
                if name_normalize(spelling) not in known_aliases:
                    brand_alias_save(alias=BrandAlias(brand=brand, alias=spelling))
                    known_aliases.add(name_normalize(spelling))
                    added["aliases"] += 1
        for entry in tables.get("rules", []):
            brand = brands[name_normalize(entry["brand"])] if entry.get("brand") else None
            rule = PricingRule(
                brand=brand,
                fuel=entry.get("fuel", ""),
                adjustment_percent=Decimal(entry["adjustment_percent"]),
                valid_from=datetime.date.fromisoformat(entry["valid_from"]),
                valid_to=optional_date(entry.get("valid_to")),
                note=entry.get("note", ""),
                state=DraftState.APPROVED,
            )
            same = PricingRule.objects.filter(
                brand=rule.brand, fuel=rule.fuel, valid_from=rule.valid_from
            )
            if not same.exists():
                pricing_rule_save(rule=rule)
                # Prices the file puts in force, approved by whoever loads it.
                pricing_rule_approved.send(
                    sender=PricingRule,
                    rule=rule,
                    approved_by=None,
                    approved_alone=False,
                    drafted_at=rule.updated_at,
                    reason=TABLES_FILE_REASON,
                )
                added["rules"] += 1
        # A fuel the models never saw is priced as a modelled one, as staff decided it.
        for entry in tables.get("fuel_mappings", []):
            if entry["fuel"] not in mapped:
                mapping = FuelMapping(
                    fuel=entry["fuel"], priced_as=entry["priced_as"], note=entry.get("note", "")
                )
                fuel_mapping_save(mapping=mapping)
                mapped.add(mapping.fuel)
                added["fuel_mappings"] += 1
    except ValidationError as error:
        raise ApplicationError(
            f"Nothing was loaded: {'; '.join(error.messages)}", code="invalid_tables"
        ) from error
    except (KeyError, ValueError, ArithmeticError) as error:
        raise ApplicationError(
            f"Nothing was loaded: the tables file is not in the expected layout ({error!r}).",
            code="invalid_tables",
        ) from error
    return StrategiesLoadReport(**added)
