"""Form fields every app's admin shares: numbers as Belgian staff type them."""

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# Spaces people type or paste inside a number (a normal, a non-breaking and a narrow one),
# and the signs around it that say what it is rather than how much.
IGNORED = re.compile(r"[\s\u00a0\u202f€%]")
MINUS_SIGNS = str.maketrans({"−": "-", "–": "-"})
# 1.234.567,89 and 1234567,89 (the Belgian way), 1234567.89 (a plain decimal point).
GROUPED_COMMA = re.compile(r"[+-]?[1-9]\d{0,2}(\.\d{3})+(,\d+)?")
PLAIN = re.compile(r"[+-]?\d+([.,]\d+)?")
# One separator followed by exactly three digits after a 1 to 3 digit number: "1.234" is 1234
# to a Belgian and 1.234 to a program, "2,500" 2.5 to one and 2500 to another.
AMBIGUOUS = re.compile(r"[+-]?[1-9]\d{0,2}[.,]\d{3}")


class AmbiguousNumberError(ValueError):
    """A number that two readers would read differently."""


def belgian_decimal_parse(text: str) -> Decimal:
    """The number in *text* as Belgian staff type it: `2,5` and `2.5` are 2.5, `1.234,56` is
    1234.56; what could be read two ways (`1.234`, `2,500`, `1,234.56`) is refused, never
    guessed. Raises ValueError (AmbiguousNumberError for the two-way ones)."""
    cleaned = IGNORED.sub("", text).translate(MINUS_SIGNS)
    if AMBIGUOUS.fullmatch(cleaned):
        raise AmbiguousNumberError(text)
    if GROUPED_COMMA.fullmatch(cleaned):
        return Decimal(cleaned.replace(".", "").replace(",", "."))
    if PLAIN.fullmatch(cleaned):
        return Decimal(cleaned.replace(",", "."))
    raise ValueError(text)


class BelgianDecimalField(forms.DecimalField):
    """A decimal typed as text (a browser's number field drops a decimal comma: `2,5` became
    25) and read by `belgian_decimal_parse`; shown in the page's language without grouping."""

    default_error_messages = {
        "invalid": _("Enter a number such as 2,5 or 1.234,56."),
        "ambiguous": _(
            "%(value)s can be read two ways: type %(plain)s without a thousands separator, or "
            "%(decimal)s with a decimal comma."
        ),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # A text box with the numeric keyboard on phones; the number limits are checked here.
        return {"inputmode": "decimal"}

    # The stubs derive DecimalField from IntegerField; Django's own returns a Decimal here too.
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        text = str(value).strip()
        try:
            return belgian_decimal_parse(text)
        except AmbiguousNumberError:
            digits = IGNORED.sub("", text).translate(MINUS_SIGNS)
            raise ValidationError(
                self.error_messages["ambiguous"],
                code="ambiguous",
                params={
                    "value": text,
                    "plain": digits.replace(".", "").replace(",", ""),
                    "decimal": digits.replace(".", ","),
                },
            ) from None
        except (ValueError, InvalidOperation):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class BelgianNumbersMixin:
    """Every decimal of an admin form is typed as text and read the Belgian way."""

    formfield_overrides: "Mapping[type[models.Field[Any, Any]], Mapping[str, Any]]" = {
        models.DecimalField: {"form_class": BelgianDecimalField}
    }
