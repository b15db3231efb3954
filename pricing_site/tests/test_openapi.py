"""The OpenAPI schema clients generate their code from changes only on purpose."""

import re
from io import StringIO
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management import call_command

from pricing_site.openapi import input_strings

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
    published = yaml.safe_load(SCHEMA.read_text())
    strings = list(input_strings(published))

    allowing_nul = [
        where for where, string in strings if re.search(string.get("pattern", ""), "Volks\x00wagen")
    ]

    assert strings
    assert allowing_nul == []
