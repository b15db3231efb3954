"""Writes of the zipcode table: the CSV loader (command and admin import) and a whole zoning
applied at once."""

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import openpyxl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from pricing_site.exceptions import ApplicationError
from zipcodes.caching import risk_classes_cache_clear, zipcode_cache_clear
from zipcodes.models import (
    LATITUDE_MAX,
    LATITUDE_MIN,
    LONGITUDE_MAX,
    LONGITUDE_MIN,
    ZIPCODE_MAX,
    ZIPCODE_MIN,
    RiskClass,
    Zipcode,
)

HEADER_ZIPCODE = "zipcode"
HEADER_RISK_CLASS = "risk_class"
HEADER_MUNICIPALITY = "municipality"
HEADER_PROVINCE = "province"
HEADER_OTHER_NAMES = "other_names"
HEADER_LONGITUDE = "longitude"
HEADER_LATITUDE = "latitude"
# What a file sets on each zipcode, in ZipcodeRow's order; a column the file lacks keeps its value.
LOADED_FIELDS = (
    "risk_class_id",
    "municipality",
    "province",
    "other_names",
    "longitude",
    "latitude",
)
LEGACY_CODE = re.compile(r"^(\d+)(?:\s*-\s*(\d+))?$")
BATCH_SIZE = 5000


@dataclass(frozen=True)
class ZipcodeRow:
    code: int
    risk_class: str
    municipality: str | None  # None: the file does not say, keep what is stored
    line: int
    province: str | None = None
    other_names: str | None = None
    longitude: float | None = None
    latitude: float | None = None


@dataclass(frozen=True)
class ZipcodeLoadReport:
    created: int
    updated: int
    unchanged: int
    dry_run: bool
    separator: str = ","

    def __str__(self) -> str:
        counts = {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}
        summary = (
            gettext(
                "Dry run, nothing written: would have %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged."
            )
            if self.dry_run
            else gettext("%(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
        ) % counts
        # Say it when the file was read as a Belgian Excel writes CSV, so nobody wonders.
        if self.separator == ";":
            summary += " " + gettext("Columns were separated by ';'.")
        return summary


class ZipcodeCsvParser:
    """Reads both operator formats and collects every bad line before anyone writes."""

    def __init__(self, *, risk_classes: set[str]) -> None:
        self.risk_classes = risk_classes
        self.rows: dict[int, ZipcodeRow] = {}
        self.errors: list[dict[str, Any]] = []
        self.separator = ","

    def error(self, line: int, message: str) -> None:
        self.errors.append({"line": line, "message": message})

    def parse(self, lines: Iterable[str]) -> list[ZipcodeRow]:
        lines = list(lines)
        # Excel in a Belgian locale writes CSV with ';': the first line says which one it is.
        first_line = next((line for line in lines if line.strip()), "")
        if ";" in first_line and "," not in first_line:
            self.separator = ";"
        reader = csv.reader(lines, delimiter=self.separator)
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
            self.error(1, gettext("The file holds no zipcode."))
        if self.errors:
            raise ApplicationError(
                ngettext(
                    "%(count)s bad line in the zipcode file; nothing was written.",
                    "%(count)s bad lines in the zipcode file; nothing was written.",
                    len(self.errors),
                )
                % {"count": len(self.errors)},
                code="invalid_zipcode_file",
                extra={"errors": self.errors},
            )
        return list(self.rows.values())

    def header_columns(self, cells: list[str], line: int) -> dict[str, int] | None:
        names = [cell.lower() for cell in cells]
        missing = [name for name in (HEADER_ZIPCODE, HEADER_RISK_CLASS) if name not in names]
        if missing:
            self.error(
                line,
                gettext("The header lacks the column(s) %(columns)s.")
                % {"columns": ", ".join(missing)},
            )
            return None
        return {name: index for index, name in enumerate(names)}

    def parse_legacy(self, cells: list[str], line: int) -> None:
        if len(cells) != 2:
            self.error(
                line,
                gettext("Expected 'zipcode,class' or 'from-to,class', got %(count)s fields.")
                % {"count": len(cells)},
            )
            return
        match = LEGACY_CODE.match(cells[0])
        if not match:
            self.error(
                line,
                gettext("%(value)r is neither a zipcode nor a range like 9170-9240.")
                % {"value": cells[0]},
            )
            return
        low = int(match[1])
        high = int(match[2]) if match[2] else low
        if low > high:
            self.error(
                line,
                gettext("The range %(low)s-%(high)s is reversed: write %(high)s-%(low)s.")
                % {"low": low, "high": high},
            )
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
            self.error(line, gettext("%(value)r is not a zipcode.") % {"value": raw_code})
            return
        code = int(raw_code)
        risk_class = self.risk_class(cells[columns[HEADER_RISK_CLASS]], line)
        if self.code_in_range(code, line) and risk_class:
            named = {
                name: cells[columns[name]] if name in columns else None
                for name in (HEADER_MUNICIPALITY, HEADER_PROVINCE, HEADER_OTHER_NAMES)
            }
            longitude = self.degrees(
                cells, columns, HEADER_LONGITUDE, (LONGITUDE_MIN, LONGITUDE_MAX), line
            )
            latitude = self.degrees(
                cells, columns, HEADER_LATITUDE, (LATITUDE_MIN, LATITUDE_MAX), line
            )
            self.add(
                ZipcodeRow(
                    code,
                    risk_class,
                    named[HEADER_MUNICIPALITY],
                    line,
                    named[HEADER_PROVINCE],
                    named[HEADER_OTHER_NAMES],
                    longitude,
                    latitude,
                )
            )

    def degrees(
        self,
        cells: list[str],
        columns: dict[str, int],
        name: str,
        bounds: tuple[float, float],
        line: int,
    ) -> float | None:
        """A coordinate in decimal degrees, `4.35` or `4,35`: the bounds of Belgium leave no
        doubt about the separator. None when the file has no such column or leaves it empty."""
        raw = cells[columns[name]] if name in columns else ""
        if not raw:
            return None
        low, high = bounds
        try:
            value = float(raw.replace(",", "."))
        except ValueError:
            value = float("nan")
        if not low <= value <= high:
            self.error(
                line,
                gettext("%(name)s %(value)r is not in Belgium (between %(low)s and %(high)s).")
                % {"name": name, "value": raw, "low": low, "high": high},
            )
            return None
        return value

    def code_in_range(self, code: int, line: int) -> bool:
        if ZIPCODE_MIN <= code <= ZIPCODE_MAX:
            return True
        self.error(
            line,
            gettext("Zipcode %(code)s is outside %(min)s-%(max)s.")
            % {"code": code, "min": ZIPCODE_MIN, "max": ZIPCODE_MAX},
        )
        return False

    def risk_class(self, raw: str, line: int) -> str | None:
        risk_class = raw.upper()
        if risk_class in self.risk_classes:
            return risk_class
        known = ", ".join(sorted(self.risk_classes))
        self.error(
            line,
            gettext("Unknown risk class %(value)r (known: %(known)s).")
            % {"value": raw, "known": known},
        )
        return None

    def add(self, row: ZipcodeRow) -> None:
        earlier = self.rows.get(row.code)
        if earlier and earlier.risk_class != row.risk_class:
            self.error(
                row.line,
                gettext(
                    "Zipcode %(code)s is class %(class)s here but class %(earlier)s on line "
                    "%(line)s."
                )
                % {
                    "code": row.code,
                    "class": row.risk_class,
                    "earlier": earlier.risk_class,
                    "line": earlier.line,
                },
            )
            return
        self.rows[row.code] = row


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
XLSX_MAGIC = b"PK\x03\x04"  # an XLSX file is a zip archive


def xlsx_lines(data: bytes) -> list[str]:
    """The first sheet of an XLSX workbook as CSV lines, row n being line n."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ApplicationError(
            gettext("The file looks like XLSX but cannot be read (%(error)s).") % {"error": error},
            code="invalid_xlsx",
            field="file",
        ) from error
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in workbook.worksheets[0].iter_rows(values_only=True):
        # Excel stores 9000 as the number 9000.0: write whole numbers without the decimals.
        writer.writerow(
            "" if v is None else str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
            for v in row
        )
    workbook.close()
    return buffer.getvalue().splitlines()


def zipcode_file_lines(data: bytes) -> list[str]:
    """The lines of an uploaded zipcode file: XLSX (first sheet), or CSV in UTF-8 with or
    without the BOM Excel writes.

    Other encodings are refused rather than guessed: a municipality such as "Liège" read in the
    wrong one would be stored garbled."""
    if data.startswith(XLSX_MAGIC):
        return xlsx_lines(data)
    if data.startswith(UTF16_BOMS):
        found = gettext('UTF-16 (Excel\'s "Unicode text")')
    else:
        try:
            return data.decode("utf-8-sig").splitlines()
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            found = gettext("not UTF-8 (line %(line)s; Latin-1 or Windows-1252, probably)") % {
                "line": line
            }
    raise ApplicationError(
        gettext(
            'The file is %(found)s. Save it as "CSV UTF-8 (comma delimited)" and import it again.'
        )
        % {"found": found},
        code="invalid_encoding",
        field="file",
    )


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
                        province=row.province or "",
                        other_names=row.other_names or "",
                        longitude=row.longitude,
                        latitude=row.latitude,
                        updated_at=now,
                    )
                )
                continue
            municipality = zipcode.municipality if row.municipality is None else row.municipality
            province = zipcode.province if row.province is None else row.province
            other_names = zipcode.other_names if row.other_names is None else row.other_names
            longitude = zipcode.longitude if row.longitude is None else row.longitude
            latitude = zipcode.latitude if row.latitude is None else row.latitude
            new = (row.risk_class, municipality, province, other_names, longitude, latitude)
            if tuple(getattr(zipcode, name) for name in LOADED_FIELDS) != new:
                for name, value in zip(LOADED_FIELDS, new, strict=True):
                    setattr(zipcode, name, value)
                zipcode.updated_at = now
                to_update.append(zipcode)
        report = ZipcodeLoadReport(
            created=len(to_create),
            updated=len(to_update),
            unchanged=len(rows) - len(to_create) - len(to_update),
            dry_run=dry_run,
            separator=parser.separator,
        )
        if dry_run:
            return report
        bulk_create_with_history(to_create, Zipcode, batch_size=BATCH_SIZE, default_user=changed_by)
        bulk_update_with_history(
            to_update,
            Zipcode,
            [*LOADED_FIELDS, "updated_at"],
            batch_size=BATCH_SIZE,
            default_user=changed_by,
        )
        # Created codes too: an unknown code is cached as absent.
        changed = [zipcode.code for zipcode in to_create + to_update]
        transaction.on_commit(lambda: zipcode_cache_clear(codes=changed))
    return report


@transaction.atomic
def zone_table_apply(
    *, factors: dict[str, Decimal], classes: dict[int, str], description: str, changed_by: Any
) -> list[int]:
    """Apply a whole zoning in one transaction: every class factor (a class is added when new)
    and the class of every zipcode of the table that *classes* names; returns the zipcodes whose
    class changed. Zipcodes not in the table are not added."""
    for code, factor in factors.items():
        risk_class = RiskClass.objects.filter(code=code).first() or RiskClass(code=code)
        risk_class.factor = factor
        risk_class.description = description
        try:
            risk_class.full_clean()
        except ValidationError as error:
            raise ApplicationError(
                f"Class {code}: {'; '.join(error.messages)}", code="invalid_zoning"
            ) from error
        risk_class.save()
    now = timezone.now()
    changed = []
    for zipcode in Zipcode.objects.select_for_update():
        new = classes.get(zipcode.code)
        if new and new != zipcode.risk_class_id:
            zipcode.risk_class_id = new
            zipcode.updated_at = now
            changed.append(zipcode)
    bulk_update_with_history(
        changed,
        Zipcode,
        ["risk_class", "updated_at"],
        batch_size=BATCH_SIZE,
        default_user=changed_by,
    )
    codes = [zipcode.code for zipcode in changed]
    transaction.on_commit(lambda: zipcode_cache_clear(codes=codes))
    transaction.on_commit(risk_classes_cache_clear)
    return codes
