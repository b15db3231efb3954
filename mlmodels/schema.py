"""The portfolio layout (one row per policy, as in the Belgian MTPL data set) and its checks.

The schema is data: the validator, the feature step of every pipeline and the prediction input
checks are all built from `PORTFOLIO_SCHEMA`. `sex` may be present but is never a feature
(EU gender directive, Test-Achats ruling).
"""

import operator
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import msgspec
import numpy as np
import pandas as pd
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

EXAMPLE_ROWS = 5


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "int", "float", "category" or "text"
    required: bool = True
    nullable: bool = False
    minimum: float | None = None
    maximum: float | None = None
    minimum_exclusive: bool = False
    categories: tuple[str, ...] = ()
    unique: bool = False
    feature: bool = False
    description: str = ""


PORTFOLIO_SCHEMA: tuple[Column, ...] = (
    Column("id", "int", required=False, minimum=1, unique=True, description="policy number"),
    Column(
        "expo",
        "float",
        minimum=0,
        maximum=1,
        minimum_exclusive=True,
        description="exposure in years",
    ),
    Column("nclaims", "int", minimum=0, maximum=20, description="number of claims"),
    Column("amount", "float", minimum=0, description="total claimed amount in euro"),
    Column("claim", "int", required=False, minimum=0, maximum=1),
    Column("average", "float", required=False, nullable=True, minimum=0),
    Column("coverage", "category", categories=("TPL", "TPL+", "TPL++"), feature=True),
    Column("ageph", "int", minimum=17, maximum=100, feature=True, description="policyholder age"),
    Column("sex", "category", required=False, categories=("female", "male")),
    Column("bm", "int", minimum=0, maximum=22, feature=True, description="bonus-malus level"),
    Column(
        "power", "int", minimum=1, maximum=1000, feature=True, description="vehicle power in kW"
    ),
    Column("agec", "int", minimum=0, maximum=100, feature=True, description="vehicle age in years"),
    Column("fuel", "category", categories=("gasoline", "diesel"), feature=True),
    Column("use", "category", categories=("private", "work"), feature=True),
    Column("fleet", "int", minimum=0, maximum=1, feature=True),
    Column("postcode", "int", minimum=1000, maximum=9999, feature=True),
    Column("long", "float", required=False, minimum=2.5, maximum=6.5),
    Column("lat", "float", required=False, minimum=49.4, maximum=51.6),
    # Not a model feature: the brand rules of the tariff use it when a portfolio is priced.
    Column(
        "brand",
        "text",
        required=False,
        nullable=True,
        maximum=60,
        description="vehicle brand, any spelling (empty: no brand rule)",
    ),
)
COLUMNS = {column.name: column for column in PORTFOLIO_SCHEMA}
FEATURE_COLUMNS: tuple[str, ...] = tuple(c.name for c in PORTFOLIO_SCHEMA if c.feature)
CATEGORICAL_FEATURES = tuple(c for c in FEATURE_COLUMNS if COLUMNS[c].kind == "category")
NUMERIC_FEATURES = tuple(c for c in FEATURE_COLUMNS if COLUMNS[c].kind != "category")
# Location enters the tariff through the zone factor; only location-aware models see it.
LOCATION_FEATURES: tuple[str, ...] = ("postcode",)
RATING_FEATURES = tuple(c for c in FEATURE_COLUMNS if c not in LOCATION_FEATURES)
# What staff call each rating variable, in their language.
FEATURE_LABELS = {
    "coverage": _("Coverage"),
    "ageph": _("Age of the policyholder"),
    "bm": _("Bonus-malus level"),
    "power": _("Power (kW)"),
    "agec": _("Age of the vehicle (years)"),
    "fuel": _("Fuel"),
    "use": _("Use"),
    "fleet": _("Fleet"),
    "postcode": _("Postcode"),
}
assert "sex" not in FEATURE_COLUMNS  # noqa: S101 - a law, checked at import


# Each problem a portfolio file can have: its English text (stored and answered by the API)
# and, read in the reader's language, its translation (PROBLEMS_SHOWN).
PROBLEMS = {
    "no_rows": "the file holds no rows",
    "unreadable": "not a readable CSV file ({reason})",
    "missing_column": "missing column",
    "unexpected_column": "unexpected column",
    "missing_value": "missing value",
    "unknown_category": "unknown category (allowed: {allowed})",
    "too_long": "longer than {maximum} characters",
    "not_integer": "not an integer",
    "not_number": "not a number",
    "below_minimum": "out of range (must be {bound})",
    "above_maximum": "out of range (must be <= {maximum})",
    "duplicated": "duplicated value",
}
PROBLEMS_SHOWN = {
    "no_rows": _("the file holds no rows"),
    "unreadable": _("not a readable CSV file (%(reason)s)"),
    "missing_column": _("missing column"),
    "unexpected_column": _("unexpected column"),
    "missing_value": _("missing value"),
    "unknown_category": _("unknown category (allowed: %(allowed)s)"),
    "too_long": _("longer than %(maximum)s characters"),
    "not_integer": _("not an integer"),
    "not_number": _("not a number"),
    "below_minimum": _("out of range (must be %(bound)s)"),
    "above_maximum": _("out of range (must be <= %(maximum)s)"),
    "duplicated": _("duplicated value"),
}


def problem_shown(issue: dict[str, Any]) -> str:
    """An issue's problem in the active language; a report stored before codes: its text."""
    if issue.get("code") in PROBLEMS_SHOWN:
        return str(PROBLEMS_SHOWN[issue["code"]]) % issue["params"]
    return str(issue["problem"])


@dataclass
class ValidationReport:
    rows: int
    issues: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.issues

    def add(
        self,
        column: str | None,
        code: str,
        failing: pd.Series | None = None,
        **params: Any,
    ) -> None:
        """Record the problem *code* (PROBLEMS) with its *params*; *failing* is a boolean mask
        over rows (file line = index + 2). The issue keeps its English text for API clients and
        its code and figures, so that people read it in their language."""
        issue = {
            "column": column,
            "problem": PROBLEMS[code].format(**params),
            "code": code,
            "params": params,
        }
        if failing is None:
            self.issues.append({**issue, "count": None, "examples": []})
            return
        count = int(failing.sum())
        if count:
            lines = (np.flatnonzero(failing.to_numpy())[:EXAMPLE_ROWS] + 2).tolist()
            self.issues.append({**issue, "count": count, "example_lines": lines})

    def as_dict(self) -> dict[str, Any]:
        return {"valid": self.is_valid, "rows": self.rows, "issues": self.issues}

    def __str__(self) -> str:
        return report_text(self.as_dict())


def report_text(report: dict[str, Any]) -> str:
    """A validation report for people: one line per problem, with counts and example lines."""
    if report["valid"]:
        return gettext("Valid: %(rows)s rows.") % {"rows": report["rows"]}
    lines = [
        gettext("Invalid: %(count)s problem(s) in %(rows)s rows.")
        % {"count": len(report["issues"]), "rows": report["rows"]}
    ]
    for issue in report["issues"]:
        where = f"{issue['column']}: " if issue["column"] else ""
        count = ""
        if issue.get("count"):
            count = gettext(" (%(count)s rows, e.g. lines %(lines)s)") % {
                "count": issue["count"],
                "lines": issue["example_lines"],
            }
        lines.append(f"- {where}{problem_shown(issue)}{count}")
    return "\n".join(lines)


def dataset_validate(frame: pd.DataFrame) -> ValidationReport:
    """Every violation of the schema, with counts and example line numbers; read all as text."""
    report = ValidationReport(rows=len(frame))
    if frame.empty:
        report.add(None, "no_rows")
    present = set(frame.columns)
    for column in PORTFOLIO_SCHEMA:
        if column.required and column.name not in present:
            report.add(column.name, "missing_column")
    for name in sorted(present - COLUMNS.keys()):
        report.add(name, "unexpected_column")
    for column in PORTFOLIO_SCHEMA:
        if column.name in present:
            column_validate(report, column, frame[column.name])
    return report


def column_validate(report: ValidationReport, column: Column, raw: pd.Series) -> None:
    for code, failing, params in column_problems(column, raw):
        report.add(column.name, code, failing, **params)


def column_problems(
    column: Column, raw: pd.Series
) -> Iterator[tuple[str, pd.Series, dict[str, str]]]:
    """Each problem (PROBLEMS) *column*'s text values can have: its code, the rows that have it
    (a boolean mask) and its figures."""
    text = raw.astype("string").str.strip()
    missing = text.isna() | (text == "")
    if not column.nullable:
        yield "missing_value", missing, {}
    present = ~missing
    if column.kind == "category":
        allowed = {"allowed": ", ".join(column.categories)}
        yield "unknown_category", present & ~text.isin(column.categories), allowed
        return
    if column.kind == "text":
        too_long = present & (text.str.len() > (column.maximum or 0))
        yield "too_long", too_long, {"maximum": f"{column.maximum:g}"}
        return
    numbers = pd.to_numeric(text.where(present), errors="coerce")
    wrong_type = present & numbers.isna()
    if column.kind == "int":
        wrong_type |= present & numbers.notna() & (numbers % 1 != 0)
    yield "not_integer" if column.kind == "int" else "not_number", wrong_type, {}
    valid = present & ~wrong_type
    if column.minimum is not None:
        below = numbers <= column.minimum if column.minimum_exclusive else numbers < column.minimum
        bound = f"{'>' if column.minimum_exclusive else '>='} {column.minimum:g}"
        yield "below_minimum", valid & below, {"bound": bound}
    if column.maximum is not None:
        yield (
            "above_maximum",
            valid & (numbers > column.maximum),
            {"maximum": f"{column.maximum:g}"},
        )
    if column.unique:
        yield "duplicated", valid & numbers.duplicated(keep="first"), {}


def portfolio_read(source: Any, *, rows: range | None = None) -> pd.DataFrame:
    """Read a portfolio CSV as text, so the validator sees exactly what the file says; only the
    policies in *rows* (0 is the first line after the header) when given."""
    window: dict[str, Any] = (
        {"skiprows": range(1, rows.start + 1), "nrows": len(rows)} if rows is not None else {}
    )
    try:
        return pd.read_csv(
            source, dtype=str, keep_default_na=False, skipinitialspace=True, **window
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise ValueError(f"not a readable CSV file ({error})") from error


def portfolio_typed(frame: pd.DataFrame) -> pd.DataFrame:
    """The validated text frame converted to the schema's types (call after validation only)."""
    typed = {}
    for name in frame.columns:
        column = COLUMNS[name]
        # A portfolio repeats few distinct texts per column (ages, classes, postcodes): each is
        # converted once, then spread by its codes, in half the time of converting every cell.
        codes, texts = pd.factorize(frame[name])
        if column.kind in ("category", "text"):
            stripped = np.array([text.strip() for text in texts], dtype=object)[codes]
            typed[name] = pd.Series(stripped, index=frame.index, dtype=frame[name].dtype)
            continue
        numbers = np.array([float(text) if text != "" else np.nan for text in texts])[codes]
        if column.kind == "int" and not column.nullable:
            numbers = numbers.astype("int64")
        typed[name] = pd.Series(numbers, index=frame.index)
    # One frame built at once: adding 18 columns one by one copied it each time.
    return pd.DataFrame(typed, index=frame.index)


MAX_REPORTED_ERRORS = 100


# The API says `petrol` like the quote; the portfolio layout (and the models) say `gasoline`.
FUEL_SPELLINGS = {"petrol": "gasoline"}


def record_categories(column: Column) -> tuple[str, ...]:
    """What a prediction record may send for category *column*: the API's other spellings of its
    values (`petrol`), then the values themselves."""
    spellings = tuple(sent for sent, meant in FUEL_SPELLINGS.items() if meant in column.categories)
    return (*spellings, *column.categories)


def record_field_type(column: Column) -> Any:
    """The msgspec type of one feature of a prediction record: what `column_is_valid` accepts."""
    if column.kind == "category":
        return Literal[record_categories(column)]
    if column.minimum_exclusive:
        bounds = msgspec.Meta(gt=column.minimum, le=column.maximum)
    else:
        bounds = msgspec.Meta(ge=column.minimum, le=column.maximum)
    return Annotated[int if column.kind == "int" else float, bounds]


# One prediction record as msgspec decodes it from JSON, checking each value against the schema
# on the way (types as strict as `column_is_valid`: no bool for an int, no float for an int).
# Every model rates with every rating feature, so a record must have them all; the location is
# needed by location-aware models only, and is UNSET when left out.
PredictionRecord = msgspec.defstruct(
    "PredictionRecord",
    [
        *((name, record_field_type(COLUMNS[name])) for name in RATING_FEATURES),
        *(
            (name, record_field_type(COLUMNS[name]) | msgspec.UnsetType, msgspec.UNSET)
            for name in LOCATION_FEATURES
        ),
    ],
)


class CheckedRecords(list[Any]):
    """Prediction records decoded as `PredictionRecord`s: every value sent is of the schema's
    type and range, and only a missing location can still be wrong."""


def records_validate(
    records: list[Any], *, features: tuple[str, ...] = FEATURE_COLUMNS
) -> tuple[dict[str, list[Any]], list[dict[str, str]]]:
    """Check prediction records against the model's features; errors name
    `records.<index>.<field>`.

    Returns the feature columns (one list per feature) for scoring. Runs on every prediction,
    so each column is first checked as a whole with builtins and walked only when it is wrong;
    records the prediction parser already checked (`CheckedRecords`) only give their columns.
    """
    if isinstance(records, CheckedRecords):
        return checked_records_columns(records, features)
    errors: list[dict[str, str]] = []
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            errors.append(
                {
                    "field": f"records.{index}",
                    "message": "A record is an object of feature values.",
                    "code": "not_a_dict",
                }
            )
    if errors:
        return {}, errors[:MAX_REPORTED_ERRORS]
    columns = fuel_respelled(records_columns(records, features))
    for name, values in columns.items():
        if not column_is_valid(COLUMNS[name], values):
            errors.extend(column_errors(COLUMNS[name], values))
    # The postcode is documented for every record; a model without location ignores it, but a
    # wrong one is still a wrong input.
    for name in (n for n in LOCATION_FEATURES if n not in features):
        sent = [(index, record[name]) for index, record in enumerate(records) if name in record]
        values = [value for _, value in sent]
        if sent and not column_is_valid(COLUMNS[name], values):
            for error in column_errors(COLUMNS[name], values):
                position = int(error["field"].split(".")[1])
                errors.append({**error, "field": f"records.{sent[position][0]}.{name}"})
    errors.sort(key=lambda error: int(error["field"].split(".")[1]))
    return columns, errors[:MAX_REPORTED_ERRORS]


def checked_records_columns(
    records: CheckedRecords, features: tuple[str, ...]
) -> tuple[dict[str, list[Any]], list[dict[str, str]]]:
    """The feature columns of checked records, and an error for each record without the
    location a location-aware model needs."""
    columns = {name: list(map(operator.attrgetter(name), records)) for name in features}
    errors = []
    for name in (n for n in LOCATION_FEATURES if n in features):
        if msgspec.UNSET in columns[name]:  # None where a record lacks it, as for the dicts
            columns[name] = [None if value is msgspec.UNSET else value for value in columns[name]]
            errors.extend(column_errors(COLUMNS[name], columns[name]))
    errors.sort(key=lambda error: int(error["field"].split(".")[1]))
    return fuel_respelled(columns), errors[:MAX_REPORTED_ERRORS]


def fuel_respelled(columns: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """*columns* with the API's fuel spellings as the portfolio's (`petrol` -> `gasoline`)."""
    if "fuel" in columns and any(spelling in columns["fuel"] for spelling in FUEL_SPELLINGS):
        columns["fuel"] = [
            FUEL_SPELLINGS.get(fuel, fuel) if isinstance(fuel, str) else fuel
            for fuel in columns["fuel"]
        ]
    return columns


def records_columns(
    records: list[dict[str, Any]], features: tuple[str, ...]
) -> dict[str, list[Any]]:
    """One list per feature, None where a record lacks it (reported by the validation)."""
    try:  # every record has every feature: one loop at C speed
        rows = list(map(operator.itemgetter(*features), records))
    except KeyError:
        rows = [tuple(record.get(name) for name in features) for record in records]
    if len(features) == 1:
        rows = [(value,) for value in rows]
    values = list(zip(*rows, strict=True)) or [()] * len(features)
    return {name: list(column) for name, column in zip(features, values, strict=True)}


NUMBER_TYPES: dict[str, set[type]] = {"int": {int}, "float": {int, float}}


def column_is_valid(column: Column, values: list[Any]) -> bool:
    """The whole column at C speed: right types, allowed values, within range."""
    if column.kind == "category":
        # Any unhashable value (a list, an object) is not a category: check types first.
        return set(map(type, values)) <= {str} and set(values) <= set(column.categories)
    if not set(map(type, values)) <= NUMBER_TYPES[column.kind]:
        return False  # None, str, bool (type(True) is bool, not int) or a float for an int
    low = column.minimum if column.minimum is not None else -np.inf
    high = column.maximum if column.maximum is not None else np.inf
    return low <= min(values) and max(values) <= high


def column_errors(column: Column, values: list[Any]) -> list[dict[str, str]]:
    """One error per wrong value of a column that failed `column_is_valid`."""
    errors = []
    for index, value in enumerate(values):
        if value is None:
            problem = ("This field is required.", "required")
        elif column.kind == "category":
            if value in column.categories and isinstance(value, str):
                continue
            allowed = ", ".join(column.categories)
            problem = (f"Unknown {column.name} {value!r}; allowed: {allowed}.", "invalid_choice")
        elif type(value) not in NUMBER_TYPES[column.kind]:
            kind = "An integer" if column.kind == "int" else "A number"
            problem = (f"{kind} is required.", "invalid")
        elif (column.minimum is not None and value < column.minimum) or (
            column.maximum is not None and value > column.maximum
        ):
            problem = (
                f"Must be between {column.minimum:g} and {column.maximum:g}.",
                "out_of_range",
            )
        else:
            continue
        errors.append(
            {"field": f"records.{index}.{column.name}", "message": problem[0], "code": problem[1]}
        )
    return errors
