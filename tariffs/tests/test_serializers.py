"""The quote's fast paths give what the serializer's fields give: a body msgspec accepts is one
the fields accept with the same validated data, and the answer built straight from a quote is the
fields' own representation."""

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from strategies.api.serializers import FUEL_SPELLINGS
from tariffs.api.serializers import (
    COVERAGES,
    USES,
    QuoteCreateInputSerializer,
    QuoteOutputSerializer,
)
from tariffs.services import premium_quote
from tariffs.tests.fixtures import QUOTE, quote_request

pytestmark = pytest.mark.django_db


def checked_by_the_fields(body: Any) -> tuple[bool, Any]:
    """(accepted, validated data or errors) as the fields alone decide."""
    serializer = QuoteCreateInputSerializer(data=body)
    try:
        # The fields' path: the serializer's run_validation above the msgspec one.
        data = super(QuoteCreateInputSerializer, serializer).run_validation(body)
    except serializers.ValidationError as error:
        return False, error.detail
    return True, data


def checked(body: Any) -> tuple[bool, Any]:
    serializer = QuoteCreateInputSerializer(data=body)
    if serializer.is_valid():
        return True, serializer.validated_data
    return False, serializer.errors


def plain(data: Any) -> Any:
    """Nested ordered dicts as plain dicts, to compare the two paths' data."""
    if isinstance(data, dict):
        return {key: plain(value) for key, value in data.items()}
    return data


WITHOUT_FLEET = {name: value for name, value in QUOTE.items() if name != "fleet"}


@pytest.mark.parametrize(
    "body",
    [
        QUOTE,
        WITHOUT_FLEET,
        {"date": "2026-11-30"},
        {"fleet": True},
        {"vehicle": {**QUOTE["vehicle"], "brand": "Alfa Romeo", "fuel": "essence"}},
        {"vehicle": {**QUOTE["vehicle"], "power_kw": 1000, "age": 0}},
        {"driver": {"age": 17, "bonus_malus": 22}},
        {"zipcode": 9999, "coverage": "TPL++", "use": "work"},
        {"extra": "ignored", "vehicle": {**QUOTE["vehicle"], "colour": "red"}},
    ],
)
def test_a_valid_body_gives_the_fields_validated_data(body):
    body = {**QUOTE, **body} if body is not WITHOUT_FLEET else body

    assert checked(body)[0]
    assert plain(checked(body)[1]) == plain(checked_by_the_fields(body)[1])


# Values at or past the edge of what a field takes, where msgspec and the fields could differ.
EDGES = (
    [
        (("vehicle", "brand"), value)
        for value in [
            " Toyota",
            "Toyota ",
            "Toy\x00ota",
            "",
            "  ",
            "T" * 60,
            "T" * 61,
            "Alfa  Romeo",
        ]
    ]
    + [(("vehicle", "fuel"), value) for value in [" diesel", "Diesel", "DIESEL", "gas", 1, None]]
    + [(("vehicle", "power_kw"), value) for value in [0, 1, 1000, 1001, 85.0, "85", True, None]]
    + [(("zipcode",), value) for value in [999, 1000, 9999, 10000, 1000.0, "1000", False]]
    + [(("driver", "age"), value) for value in [16, 17, 100, 101, 35.5]]
    + [(("fleet",), value) for value in [True, 1, "true", None]]
    + [
        (("date",), value)
        for value in [
            "2026-11-30",
            "2026-1-5",
            "30/11/2026",
            "2026-11-30T10:00",
            "",
            None,
            20261130,
        ]
    ]
    + [(("coverage",), value) for value in ["TPL+", "tpl", " TPL", None]]
)


@pytest.mark.parametrize(("path", "value"), EDGES)
def test_a_value_at_the_edge_is_accepted_or_refused_as_the_fields_decide(path, value):
    body = {**QUOTE, "vehicle": dict(QUOTE["vehicle"]), "driver": dict(QUOTE["driver"])}
    *parents, name = path
    target = body
    for parent in parents:
        target = target[parent]
    target[name] = value

    accepted, data = checked(body)
    fields_accepted, fields_data = checked_by_the_fields(body)

    assert accepted == fields_accepted
    assert plain(data) == plain(fields_data) if accepted else data == fields_data


JSON_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-2, max_value=10_002),
    st.floats(allow_nan=False),
    st.text(max_size=70),
    st.sampled_from(["diesel", " diesel", "Diesel", "TPL", "private", "2026-11-30", "2026-1-5"]),
    st.sampled_from([" Toyota", "Toyota ", "Toyota\x00", "", "  ", "T" * 60, "T" * 61]),
)


@st.composite
def near_valid_bodies(draw: st.DrawFn) -> dict[str, Any]:
    """The valid body with some values replaced by values near or past what is allowed."""
    body: dict[str, Any] = {
        "zipcode": 1000,
        "vehicle": dict(QUOTE["vehicle"]),
        "driver": dict(QUOTE["driver"]),
        "coverage": draw(st.sampled_from(COVERAGES)),
        "use": draw(st.sampled_from(USES)),
    }
    body["vehicle"]["fuel"] = draw(st.sampled_from(FUEL_SPELLINGS))
    for path in draw(st.lists(st.sampled_from(PATHS), max_size=3, unique=True)):
        *parents, name = path
        target = body
        for parent in parents:
            target = target[parent]
        if draw(st.booleans()):
            target.pop(name, None)
        else:
            target[name] = draw(JSON_VALUES)
    return body


PATHS = [
    ("zipcode",),
    ("coverage",),
    ("use",),
    ("fleet",),
    ("date",),
    ("vehicle", "brand"),
    ("vehicle", "fuel"),
    ("vehicle", "power_kw"),
    ("vehicle", "age"),
    ("driver", "age"),
    ("driver", "bonus_malus"),
]


@given(body=near_valid_bodies())
@settings(
    max_examples=500,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_any_body_is_accepted_or_refused_as_the_fields_decide(body):
    accepted, data = checked(body)
    fields_accepted, fields_data = checked_by_the_fields(body)

    assert accepted == fields_accepted
    if accepted:
        assert plain(data) == plain(fields_data)
    else:
        assert data == fields_data


def test_the_answer_is_the_fields_representation_of_a_new_and_a_stored_quote(quoting):
    new = premium_quote(request=quote_request())
    stored = type(new).objects.get(pk=new.pk)

    for quote in (new, stored):
        serializer = QuoteOutputSerializer(quote)
        assert serializer.data == serializers.Serializer.to_representation(serializer, quote)
