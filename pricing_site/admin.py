"""Admin pieces every app's admin shares, and the API clients' keys."""

import json
from functools import cached_property
from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Field, QuerySet
from django.forms import Field as FormField
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from pricing_site.models import ApiKey
from pricing_site.services import (
    api_key_create,
    api_key_lifetime_default,
    api_key_revoke,
    api_key_save,
)


class EstimatedCountPaginator(Paginator):
    """Counts a list exactly up to EXACT_COUNT_LIMIT rows; past that, on PostgreSQL, takes the
    planner's estimate (`estimated` says so): at millions of rows an exact COUNT reads the whole
    table or index on every page of the admin's list."""

    EXACT_COUNT_LIMIT = 10_000
    estimated = False

    @cached_property
    def count(self) -> int:
        queryset = cast(QuerySet[Any], self.object_list).order_by()
        if connection.vendor != "postgresql":
            return queryset.count()
        bounded = queryset.values("pk")[: self.EXACT_COUNT_LIMIT + 1].count()
        if bounded <= self.EXACT_COUNT_LIMIT:
            return bounded
        self.estimated = True
        plan = json.loads(queryset.explain(format="json"))
        return max(int(plan[0]["Plan"]["Plan Rows"]), bounded)


class SharedLookupsMixin:
    """A lookup many rows share (a risk class, a brand) is chosen in a row's form, never added,
    edited or deleted from it: editing the class from one zipcode would change every zipcode of
    that class, deleting the brand from a rule would take its other rules along."""

    def formfield_for_dbfield(
        self, db_field: Field, request: HttpRequest, **kwargs: Any
    ) -> FormField | None:
        formfield: FormField | None = super().formfield_for_dbfield(  # type: ignore[misc]
            db_field, request, **kwargs
        )
        if formfield is not None and isinstance(formfield.widget, RelatedFieldWidgetWrapper):
            widget = formfield.widget
            widget.can_add_related = False
            widget.can_change_related = False
            widget.can_delete_related = False
            widget.can_view_related = False
        return formfield


@admin.register(ApiKey)
class ApiKeyAdmin(APIKeyModelAdmin):
    """API clients' keys: created here (shown once), revoked here, never shown again; the list
    says whose, until when and when last used."""

    list_display = (  # type: ignore[assignment]
        "prefix",
        "name",
        "client",
        "created",
        "expiry_date",
        "expired",
        "revoked",
        "last_used_at",
    )
    list_filter = ("revoked", "created")  # type: ignore[assignment]
    list_select_related = ["client"]
    search_fields = ("name", "prefix", "client__username")  # type: ignore[assignment]
    actions = ["revoke"]
    fields = ["client", "name", "expiry_date", "revoked", "prefix", "last_used_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A key changes owner never; a revoked one not at all.
        fields = [*super().get_readonly_fields(request, obj), "last_used_at"]
        return [*fields, "client"] if obj is not None else fields

    @admin.display(description=_("expired"), boolean=True)
    def expired(self, api_key: ApiKey) -> bool:
        return api_key.has_expired

    def save_model(
        self, request: HttpRequest, obj: Any, form: Any = None, change: bool = False
    ) -> None:
        if change:
            api_key_save(api_key=obj)
            return
        issued = api_key_create(api_key=obj)
        self.message_user(
            request,
            gettext(
                "The key of %(client)s is %(key)s — copy it now: it is stored only as a hash "
                "and is never shown again."
            )
            % {"client": obj.client, "key": issued.key},
            messages.WARNING,
        )

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"expiry_date": timezone.now() + api_key_lifetime_default()}

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "client":  # API clients cannot log in to the admin
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=False)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(description=_("Revoke the selected keys"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        keys = list(queryset.filter(revoked=False))
        for api_key in keys:
            api_key_revoke(api_key=api_key)
        self.message_user(
            request,
            ngettext("%(count)d key revoked.", "%(count)d keys revoked.", len(keys))
            % {"count": len(keys)},
            messages.SUCCESS,
        )


admin.site.unregister(APIKey)  # the library's own table is not used: ApiKey has a client


# Authenticator apps are given by operators (`add_totp_device USER`): django-otp's own admin
# would show each device's secret key to staff, in English only.
admin.site.unregister(TOTPDevice)
