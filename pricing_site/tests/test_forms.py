"""Numbers typed in the admin: read the Belgian way or refused, the same in every form."""

from decimal import Decimal

import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory

from pricing_site.forms import AmbiguousNumberError, BelgianDecimalField, belgian_decimal_parse


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("2,5", "2.5"),
        ("2.5", "2.5"),
        ("25", "25"),
        ("-8", "-8"),
        ("+5", "5"),
        ("−2,5", "-2.5"),  # the minus sign a word processor types
        ("2,5 %", "2.5"),
        ("€ 1.234,56", "1234.56"),
        ("2.500,00", "2500.00"),
        ("1.234.567", "1234567"),
        ("1 234,56", "1234.56"),
        ("1\u202f234,56", "1234.56"),  # the narrow space a French spreadsheet pastes
        ("0,815", "0.815"),
        ("0.815", "0.815"),
        ("1234.5", "1234.5"),
        ("12,3456", "12.3456"),
    ],
)
def test_belgian_decimal_parse_reads_what_belgians_type(typed, read):
    assert belgian_decimal_parse(typed) == Decimal(read)


@pytest.mark.parametrize("typed", ["1.234", "2,500", "-1,250", "999.999"])
def test_belgian_decimal_parse_refuses_a_number_with_two_readings(typed):
    with pytest.raises(AmbiguousNumberError):
        belgian_decimal_parse(typed)


@pytest.mark.parametrize("typed", ["1,234.56", "1,234,567", "12.34.56", "2,5,", "abc", "1e3", ""])
def test_belgian_decimal_parse_refuses_what_is_no_belgian_number(typed):
    with pytest.raises(ValueError):  # noqa: PT011 - the ambiguous ones are a subclass
        belgian_decimal_parse(typed)


def test_belgian_decimal_field_says_what_to_type_for_an_ambiguous_number():
    field = BelgianDecimalField(max_digits=7, decimal_places=2)

    with pytest.raises(forms.ValidationError) as refused:
        field.clean("1.250")

    assert refused.value.code == "ambiguous"
    assert "1250" in refused.value.messages[0]
    assert "1,250" in refused.value.messages[0]


def test_belgian_decimal_field_is_a_text_box_with_a_numeric_keyboard():
    rendered = BelgianDecimalField(max_digits=5, decimal_places=2).widget.render("x", None)
    field = BelgianDecimalField(max_digits=5, decimal_places=2)

    assert 'type="text"' in rendered
    assert field.widget_attrs(field.widget) == {"inputmode": "decimal"}


@pytest.mark.django_db
def test_every_decimal_staff_type_in_the_admin_is_read_the_belgian_way(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    not_belgian = []
    for model, model_admin in admin.site._registry.items():
        if not (
            model_admin.has_add_permission(request) or model_admin.has_change_permission(request)
        ):
            continue  # rows written by services only: nothing is typed
        for form_admin in [model_admin, *model_admin.get_inline_instances(request)]:
            form = form_admin.get_form(request) if form_admin is model_admin else None
            fields = form.base_fields if form else form_admin.get_formset(request).form.base_fields
            not_belgian += [
                f"{model._meta.label}.{name}"
                for name, field in fields.items()
                if isinstance(field, forms.DecimalField)
                and not isinstance(field, BelgianDecimalField)
            ]
        if model_admin.list_editable:
            changelist_form = model_admin.get_changelist_form(request)
            fields = forms.modelform_factory(
                model,
                form=changelist_form,
                fields=model_admin.list_editable,
                formfield_callback=lambda db_field, a=model_admin: a.formfield_for_dbfield(
                    db_field, request=request
                ),
            ).base_fields
            not_belgian += [
                f"{model._meta.label}.{name} (list)"
                for name, field in fields.items()
                if isinstance(field, forms.DecimalField)
                and not isinstance(field, BelgianDecimalField)
            ]

    assert not_belgian == []


@pytest.mark.parametrize(
    ("language", "shown"),
    [("nl", "€\u00a01.234,57"), ("fr", "€\u00a01.234,57"), ("en", "€\u00a01,234.57")],
)
def test_euros_rounds_half_up_and_writes_the_languages_separators(language, shown):
    from django.utils import translation

    from pricing_site.numbers import euros

    with translation.override(language):
        assert euros("1234.565") == shown
