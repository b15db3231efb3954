"""The prediction body parser: a valid body decoded and checked in one pass, any other parsed
as the API's JSON parser parses it, for the serializers to name every fault."""

import io
import json
import random

import pytest
from rest_framework.exceptions import ParseError

from mlmodels.api.parsers import PredictionBodyParser
from mlmodels.api.serializers import CheckedPredictionBody, PredictionCreateInputSerializer
from mlmodels.schema import CheckedRecords
from mlmodels.tests.fixtures import random_record
from pricing_site.parsers import JSONBodyParser

RECORDS = [random_record(random.Random(seed)) for seed in range(20)]


def parsed(parser, body, encoding="utf-8"):
    try:
        return parser.parse(io.BytesIO(body), "application/json", {"encoding": encoding})
    except ParseError:
        return ParseError


def test_valid_body_is_decoded_into_checked_records():
    body = json.dumps({"task": "claim_frequency", "records": RECORDS}).encode()

    data = parsed(PredictionBodyParser(), body)

    assert isinstance(data, CheckedPredictionBody)
    assert data["task"] == "claim_frequency"
    assert isinstance(data["records"], CheckedRecords)
    assert [record.ageph for record in data["records"]] == [r["ageph"] for r in RECORDS]


def test_checked_body_is_passed_on_by_the_serializer():
    data = parsed(
        PredictionBodyParser(), json.dumps({"task": "claim_frequency", "records": RECORDS}).encode()
    )
    serializer = PredictionCreateInputSerializer(data=data)

    assert serializer.is_valid()
    assert serializer.validated_data is data


@pytest.mark.parametrize(
    "body",
    [
        {"task": "claim_frequency", "records": [*RECORDS, {**RECORDS[0], "ageph": 16}]},
        {"task": "claim_frequency", "records": [*RECORDS, {**RECORDS[0], "bm": True}]},
        {"task": "claim_frequency", "records": [*RECORDS, {**RECORDS[0], "use": "taxi"}]},
        {"task": "claim_frequency", "records": [*RECORDS, [1, 2]]},
        {"task": "claim_frequency", "records": "all"},
        {"task": 5, "records": RECORDS},
        {"task": "claim_cost", "records": RECORDS},
        {"records": RECORDS},
        {"task": "claim_frequency", "records": []},
        {"task": "claim_frequency", "records": RECORDS * 501},
        [RECORDS],
    ],
    ids=[
        "out of range",
        "bool",
        "category",
        "not an object",
        "not a list",
        "task",
        "unknown task",
        "no task",
        "no records",
        "too many records",
        "list",
    ],
)
def test_any_other_body_is_parsed_as_the_json_parser_parses_it(body):
    raw = json.dumps(body).encode()

    assert parsed(PredictionBodyParser(), raw) == parsed(JSONBodyParser(), raw)


DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize(
    "raw",
    [
        b"[1, 2",
        b"NaN",
        b"",
        b'{"task": "claim_frequency", "records": [{"ageph": 1e400}]}',
        DEEP,
        b'{"task": "claim_frequency", "records": [], "extra": ' + DEEP + b"}",
        b'{"task": "claim_frequency", "records": [{"coverage": "TPL", "x": ' + DEEP + b"}]}",
    ],
    ids=["truncated", "NaN", "empty", "huge number", "deep", "deep extra", "deep in a record"],
)
def test_json_it_does_not_read_gets_the_json_parsers_answer(raw):
    assert repr(parsed(PredictionBodyParser(), raw)) == repr(parsed(JSONBodyParser(), raw))


def test_body_in_another_encoding_is_read_in_that_encoding():
    raw = json.dumps({"task": "claim_frequency", "records": RECORDS}).encode("utf-16")

    assert parsed(PredictionBodyParser(), raw, "utf-16") == {
        "task": "claim_frequency",
        "records": RECORDS,
    }
