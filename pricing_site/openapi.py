"""Schema post-processing: the errors every API operation can answer, documented once, enum
member names a client generator cannot get wrong, and the one character no text input takes."""

import re
from collections.abc import Iterator
from typing import Any

ERROR_REF = {"$ref": "#/components/schemas/Error"}
COMMON_ERRORS = {
    "401": "Missing or invalid key (`authentication_failed`), expired (`token_expired`) or "
    "revoked (`token_revoked`).",
    "403": "The API client lacks the permission this operation needs (`permission_denied`), "
    "or a session cookie came without its CSRF token (`csrf_failed`).",
    "405": "Method not allowed.",
    "406": "The requested representation is not available (only JSON is).",
    "415": "Unsupported content type (send JSON).",
    "429": "Too many requests from this client.",
    "500": "Internal error; `extra.error_id` is in the log.",
}
PUBLIC_PATHS = ("/api/schema/", "/api/docs/")


def add_common_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """Add the shared error responses, and 400 where an operation takes input, to each operation;
    mark request bodies required."""
    for path, operations in result.get("paths", {}).items():
        if path.startswith(PUBLIC_PATHS):
            continue
        for method, operation in operations.items():
            if "requestBody" in operation:
                # Every body this API takes is required (a raw schema is not marked by itself).
                operation["requestBody"]["required"] = True
            responses = operation.setdefault("responses", {})
            errors = dict(COMMON_ERRORS)
            if method in {"post", "put", "patch"} or operation.get("parameters"):
                errors["400"] = "Invalid input; `fields` names each wrong field."
            if "{" in path:
                errors["404"] = "Nothing at this path (an id that does not exist or is malformed)."
            elif any(p.get("name") == "page" for p in operation.get("parameters", [])):
                errors["404"] = "A `page` beyond the last one."
            for status, description in errors.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ERROR_REF}},
                    },
                )
    return result


# What a symbol in an enum value is called in a member's name ("TPL+" is TPL_PLUS).
SYMBOL_NAMES = {"+": "PLUS", "-": "MINUS", "/": "SLASH", ".": "DOT", " ": ""}
PLAIN_VALUE = re.compile(r"^[A-Za-z0-9_]+$")


def enum_member_name(value: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+|[^A-Za-z0-9_]", value)
    return "_".join(filter(None, (SYMBOL_NAMES.get(word, word).upper() for word in words)))


def add_enum_member_names(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """Name the members of each string enum with a symbol in a value (`x-enum-varnames`), so
    generators keep TPL, TPL+ and TPL++ apart instead of dropping the symbols into one name."""
    for schema in result.get("components", {}).get("schemas", {}).values():
        values = schema.get("enum")
        if schema.get("type") != "string" or not values:
            continue
        if not all(PLAIN_VALUE.match(str(value)) for value in values):
            schema["x-enum-varnames"] = [enum_member_name(str(value)) for value in values]
    return result


# PostgreSQL cannot store NUL in text, so DRF refuses it in every string it reads
# (`null_characters_not_allowed`): the schema of what clients send says so.
WITHOUT_NUL = r"^[^\x00]*$"


def forbid_nul_in_input_strings(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """Give every free-text string a client sends a pattern without NUL; a string with its own
    pattern keeps it (the published schema's test checks that it refuses NUL too)."""
    for _, string in input_strings(result):
        string.setdefault("pattern", WITHOUT_NUL)
    return result


def input_strings(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, string schema) of every free-text string a client sends in the OpenAPI *schema*:
    in request bodies (the `…Request` components) and query parameters."""
    for name, body in schema.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            yield from ((name, string) for string in free_text_strings(body))
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    where = f"{path} ?{parameter['name']}"
                    strings = free_text_strings(parameter.get("schema", {}))
                    yield from ((where, string) for string in strings)


def free_text_strings(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The string schemas in *schema* that take free text (no format, no enum)."""
    if schema.get("type") == "string" and not {"format", "enum"} & schema.keys():
        yield schema
    for key in ("properties", "patternProperties"):
        for child in schema.get(key, {}).values():
            yield from free_text_strings(child)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            yield from free_text_strings(schema[key])
    for key in ("oneOf", "anyOf", "allOf"):
        for child in schema.get(key, []):
            yield from free_text_strings(child)
