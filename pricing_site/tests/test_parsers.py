"""The JSON parser answers exactly what DRF's standard-library parser answers, only faster."""

import io

import pytest
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from pricing_site.parsers import JSONBodyParser

BODIES = [
    b'{"task": "claim_frequency", "records": [{"ageph": 35, "fuel": "diesel"}]}',
    b'{"zipcode": 1000, "fleet": false, "date": null, "ratio": 1.5}',
    b'{"power": 123456789012345678901234567890}',  # orjson would read a float
    b'{"power": 1e400}',
    b'{"a": 1, "a": 2}',
    '{"brand": "Citro\u00ebn \\ud800"}'.encode(),
    b"[1, 2",
    b"NaN",
    b"",
]


def parsed(parser, body):
    try:
        return parser.parse(io.BytesIO(body), "application/json", {"encoding": "utf-8"})
    except ParseError:
        return ParseError


@pytest.mark.parametrize("body", BODIES, ids=range(len(BODIES)))
def test_json_body_parser_answers_what_the_standard_library_answers(body):
    # repr tells 1 from 1.0 and an integer from the float orjson would make of it.
    assert repr(parsed(JSONBodyParser(), body)) == repr(parsed(JSONParser(), body))


def test_json_body_parser_refuses_a_body_nested_deeper_than_the_stack():
    assert parsed(JSONBodyParser(), b"[" * 100_000 + b"]" * 100_000) is ParseError
