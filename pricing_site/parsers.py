"""The API's JSON parser: a body nested deeper than the interpreter's stack is a 400."""

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class JSONBodyParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            # json.loads recurses once per `[` or `{`: ~1,000 levels exhaust the stack.
            raise ParseError("JSON parse error - the body is nested too deeply.") from error
