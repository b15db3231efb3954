"""Admin pieces every app's admin shares."""

from typing import Any

from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.db.models import Field
from django.forms import Field as FormField
from django.http import HttpRequest


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
