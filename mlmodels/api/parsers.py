"""The prediction body decoded and checked in one pass.

A 1,000-record body parsed into dicts and then checked record by record spends most of its time
reaching into 1,000 freshly made dicts. msgspec decodes the records straight into
`PredictionRecord`s, checking every value against the dataset schema as it reads it, and the task
and the number of records as the body's serializer checks them, which then passes the body on. A
body it refuses for any reason (a wrong value, a record that is not an object, JSON it does not
read) is parsed again by the API's JSON parser, and the serializers and `records_validate` then
report every fault as they always do: the fast path only ever answers a valid body.
"""

import io
from typing import Annotated, Any, Literal

import msgspec

from mlmodels.api.serializers import MAX_RECORDS, CheckedPredictionBody
from mlmodels.models import Task
from mlmodels.schema import CheckedRecords, PredictionRecord
from pricing_site.parsers import JSONBodyParser, is_utf8


class PredictionBody(msgspec.Struct):
    task: Literal[tuple(Task.values)]  # type: ignore[valid-type]
    records: Annotated[
        list[PredictionRecord],  # type: ignore[valid-type]
        msgspec.Meta(min_length=1, max_length=MAX_RECORDS),
    ]


PREDICTION_BODY = msgspec.json.Decoder(PredictionBody)


class PredictionBodyParser(JSONBodyParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        body = stream.read()
        if is_utf8(parser_context):
            try:
                decoded = PREDICTION_BODY.decode(body)
            # DecodeError includes its ValidationError; RecursionError is a body nested deeper
            # than msgspec goes, in a field it would skip.
            except (msgspec.DecodeError, RecursionError):
                pass  # parsed again below, for the serializers to name each fault
            else:
                return CheckedPredictionBody(
                    task=decoded.task, records=CheckedRecords(decoded.records)
                )
        return super().parse(io.BytesIO(body), media_type, parser_context)
