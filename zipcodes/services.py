"""Writes of the zipcode table: the CSV loader shared by the command and the admin import."""

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from pricing_site.exceptions import ApplicationError
from zipcodes.caching import zipcode_cache_clear
from zipcodes.models import ZIPCODE_MAX, ZIPCODE_MIN, RiskClass, Zipcode

HEADER_ZIPCODE = "zipcode"
HEADER_RISK_CLASS = "risk_class"
HEADER_MUNICIPALITY = "municipality"
LEGACY_CODE = re.compile(r"^(\d+)(?:\s*-\s*(\d+))?$")
BATCH_SIZE = 5000


@dataclass(frozen=True)
class ZipcodeRow:
    code: int
    risk_class: str
    municipality: str | None  # None: the file does not say, keep what is stored
    line: int


@dataclass(frozen=True)
class ZipcodeLoadReport:
    created: int
    updated: int
    unchanged: int
    dry_run: bool

    def __str__(self) -> str:
        prefix = "Dry run, nothing written: would have " if self.dry_run else ""
        return (
            f"{prefix}{self.created} created, {self.updated} updated, {self.unchanged} unchanged."
        )


class ZipcodeCsvParser:
    """Reads both operator formats and collects every bad line before anyone writes."""

    def __init__(self, *, risk_classes: set[str]) -> None:
        self.risk_classes = risk_classes
        self.rows: dict[int, ZipcodeRow] = {}
        self.errors: list[dict[str, Any]] = []

    def error(self, line: int, message: str) -> None:
        self.errors.append({"line": line, "message": message})

    def parse(self, lines: Iterable[str]) -> list[ZipcodeRow]:
        reader = csv.reader(lines)
        columns: dict[str, int] | None = None
        first = True
        for cells in reader:
            cells = [cell.strip().lstrip("\ufeff") for cell in cells]
            if not any(cells):
                continue
            line = reader.line_num
            if first:
                first = False
                if cells[0].lower() == HEADER_ZIPCODE:
                    columns = self.header_columns(cells, line)
                    if columns is None:
                        break
                    continue
            if columns is None:
                self.parse_legacy(cells, line)
            else:
                self.parse_headered(cells, columns, line)
        if not self.rows and not self.errors:
            self.error(1, "The file holds no zipcode.")
        if self.errors:
            raise ApplicationError(
                f"{len(self.errors)} bad line(s) in the zipcode file; nothing was written.",
                code="invalid_zipcode_file",
                extra={"errors": self.errors},
            )
        return list(self.rows.values())

    def header_columns(self, cells: list[str], line: int) -> dict[str, int] | None:
        names = [cell.lower() for cell in cells]
        missing = [name for name in (HEADER_ZIPCODE, HEADER_RISK_CLASS) if name not in names]
        if missing:
            self.error(line, f"The header lacks the column(s) {', '.join(missing)}.")
            return None
        return {name: index for index, name in enumerate(names)}

    def parse_legacy(self, cells: list[str], line: int) -> None:
        if len(cells) != 2:
            self.error(
                line, f"Expected 'zipcode,class' or 'from-to,class', got {len(cells)} fields."
            )
            return
        match = LEGACY_CODE.match(cells[0])
        if not match:
            self.error(line, f"{cells[0]!r} is neither a zipcode nor a range like 9170-9240.")
            return
        low = int(match[1])
        high = int(match[2]) if match[2] else low
        if low > high:
            self.error(line, f"The range {low}-{high} is reversed: write {high}-{low}.")
            return
        if not self.code_in_range(low, line) or not self.code_in_range(high, line):
            return
        risk_class = self.risk_class(cells[1], line)
        if risk_class:
            for code in range(low, high + 1):
                self.add(ZipcodeRow(code, risk_class, None, line))

    def parse_headered(self, cells: list[str], columns: dict[str, int], line: int) -> None:
        if len(cells) < len(columns):
            cells = cells + [""] * (len(columns) - len(cells))
        raw_code = cells[columns[HEADER_ZIPCODE]]
        if not raw_code.isdigit():
            self.error(line, f"{raw_code!r} is not a zipcode.")
            return
        code = int(raw_code)
        risk_class = self.risk_class(cells[columns[HEADER_RISK_CLASS]], line)
        if self.code_in_range(code, line) and risk_class:
            index = columns.get(HEADER_MUNICIPALITY)
            municipality = cells[index] if index is not None else None
            self.add(ZipcodeRow(code, risk_class, municipality, line))

    def code_in_range(self, code: int, line: int) -> bool:
        if ZIPCODE_MIN <= code <= ZIPCODE_MAX:
            return True
        self.error(line, f"Zipcode {code} is outside {ZIPCODE_MIN}-{ZIPCODE_MAX}.")
        return False

    def risk_class(self, raw: str, line: int) -> str | None:
        risk_class = raw.upper()
        if risk_class in self.risk_classes:
            return risk_class
        known = ", ".join(sorted(self.risk_classes))
        self.error(line, f"Unknown risk class {raw!r} (known: {known}).")
        return None

    def add(self, row: ZipcodeRow) -> None:
        earlier = self.rows.get(row.code)
        if earlier and earlier.risk_class != row.risk_class:
            self.error(
                row.line,
                f"Zipcode {row.code} is class {row.risk_class} here but class "
                f"{earlier.risk_class} on line {earlier.line}.",
            )
            return
        self.rows[row.code] = row


def zipcode_load_csv(
    *, lines: Iterable[str], dry_run: bool = False, changed_by: Any = None
) -> ZipcodeLoadReport:
    """Validate the whole file, then upsert it in one transaction; a bad line writes nothing."""
    parser = ZipcodeCsvParser(risk_classes=set(RiskClass.objects.values_list("code", flat=True)))
    rows = parser.parse(lines)
    with transaction.atomic():
        stored = {zipcode.code: zipcode for zipcode in Zipcode.objects.select_for_update()}
        now = timezone.now()
        to_create: list[Zipcode] = []
        to_update: list[Zipcode] = []
        for row in rows:
            zipcode = stored.get(row.code)
            if zipcode is None:
                to_create.append(
                    Zipcode(
                        code=row.code,
                        risk_class_id=row.risk_class,
                        municipality=row.municipality or "",
                        updated_at=now,
                    )
                )
                continue
            municipality = zipcode.municipality if row.municipality is None else row.municipality
            if (zipcode.risk_class_id, zipcode.municipality) != (row.risk_class, municipality):
                zipcode.risk_class_id = row.risk_class
                zipcode.municipality = municipality
                zipcode.updated_at = now
                to_update.append(zipcode)
        report = ZipcodeLoadReport(
            created=len(to_create),
            updated=len(to_update),
            unchanged=len(rows) - len(to_create) - len(to_update),
            dry_run=dry_run,
        )
        if dry_run:
            return report
        bulk_create_with_history(to_create, Zipcode, batch_size=BATCH_SIZE, default_user=changed_by)
        bulk_update_with_history(
            to_update,
            Zipcode,
            ["risk_class", "municipality", "updated_at"],
            batch_size=BATCH_SIZE,
            default_user=changed_by,
        )
        # Created codes too: an unknown code is cached as absent.
        changed = [zipcode.code for zipcode in to_create + to_update]
        transaction.on_commit(lambda: zipcode_cache_clear(codes=changed))
    return report
