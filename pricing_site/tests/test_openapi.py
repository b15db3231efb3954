"""The OpenAPI schema clients generate their code from changes only on purpose."""

import re
from io import StringIO
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management import call_command

SCHEMA = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"


def test_openapi_schema_is_the_published_one_byte_for_byte():
    generated = StringIO()
    call_command("spectacular", stdout=generated)

    # On an intended change: `DATABASE_URL=postgres://… manage.py spectacular --file
    # docs/openapi.yaml` (integer bounds follow the database), and say what changed for API
    # consumers in CHANGELOG.md.
    assert generated.getvalue() == SCHEMA.read_text()


def test_every_text_a_client_sends_is_documented_without_nul():
    # PostgreSQL stores no NUL, so the API refuses it in any string: a client (and the fuzzer's
    # valid data) must be able to read that from the schema.
    schema = yaml.safe_load(SCHEMA.read_text())
    inputs = [
        (name, body)
        for name, body in schema["components"]["schemas"].items()
        if name.endswith("Request")
    ] + [
        (f"{path} ?{parameter['name']}", parameter["schema"])
        for path, operations in schema["paths"].items()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query"
    ]

    allowing_nul = [
        name
        for name, body in inputs
        for string in free_text_strings(body)
        if re.search(string.get("pattern", ""), "Volks\x00wagen")
    ]

    assert inputs
    assert allowing_nul == []


def free_text_strings(schema: dict) -> list[dict]:
    if schema.get("type") == "string" and not {"format", "enum"} & schema.keys():
        return [schema]
    children = [*schema.get("properties", {}).values()]
    children += [
        schema[key]
        for key in ("items", "additionalProperties")
        if isinstance(schema.get(key), dict)
    ]
    children += [child for key in ("oneOf", "anyOf", "allOf") for child in schema.get(key, [])]
    return [string for child in children for string in free_text_strings(child)]
