"""The dataset schema: every kind of violation, on generated data and the real portfolio."""

import io
import random
from pathlib import Path

import msgspec
import pytest
from django.conf import settings
from django.utils import translation

from mlmodels.schema import (
    FEATURE_COLUMNS,
    RATING_FEATURES,
    CheckedRecords,
    PredictionRecord,
    dataset_validate,
    portfolio_read,
    portfolio_typed,
    records_columns,
    records_validate,
    report_text,
)
from mlmodels.tests.fixtures import random_record

REAL_PORTFOLIO = Path(settings.PRICING_SHARED_DIR) / "data" / "beMTPL97.csv"


def problems(frame):
    return {(i["column"], i["problem"].split(" (")[0]): i for i in dataset_validate(frame).issues}


def test_sex_is_never_a_feature():
    assert "sex" not in FEATURE_COLUMNS


def test_dataset_validate_accepts_generated_portfolio(portfolio_frame):
    assert dataset_validate(
        portfolio_read(io.BytesIO(portfolio_frame.to_csv(index=False).encode()))
    ).is_valid


def test_portfolio_typed_converts_each_text_to_its_column_type():
    text = portfolio_read(
        io.StringIO(
            "expo,nclaims,amount,average,coverage,ageph,fuel,brand\n"
            "0.5,1,120.5,120.5,TPL+ ,30,diesel,Toyota \n"
            "1,0,0,,TPL,30,gasoline,\n"
            "1,0,0,,TPL+,45,diesel,Toyota\n"
        )
    )

    typed = portfolio_typed(text)

    assert typed["coverage"].tolist() == ["TPL+", "TPL", "TPL+"]
    assert typed["brand"].tolist() == ["Toyota", "", "Toyota"]
    assert typed["ageph"].tolist() == [30, 30, 45]
    assert typed["ageph"].dtype == "int64"
    assert typed["nclaims"].tolist() == [1, 0, 0]
    assert typed["expo"].tolist() == [0.5, 1.0, 1.0]
    assert typed["average"].iloc[0] == 120.5
    assert typed["average"].iloc[1:].isna().all()


@pytest.mark.slow
@pytest.mark.skipif(not REAL_PORTFOLIO.exists(), reason="../shared/data is absent")
def test_dataset_validate_accepts_real_portfolio():
    report = dataset_validate(portfolio_read(REAL_PORTFOLIO))

    assert report.is_valid, str(report)
    assert report.rows == 163_212


def broken(portfolio_frame, change):
    frame = portfolio_frame.astype(str)
    change(frame)
    return portfolio_read(io.BytesIO(frame.to_csv(index=False).encode()))


@pytest.mark.parametrize(
    ("change", "column", "problem", "lines"),
    [
        (lambda f: f.pop("bm"), "bm", "missing column", None),
        (lambda f: f.insert(0, "colour", "red"), "colour", "unexpected column", None),
        (lambda f: f.loc.__setitem__((3, "ageph"), "forty"), "ageph", "not an integer", [5]),
        (lambda f: f.loc.__setitem__((0, "bm"), "23"), "bm", "out of range", [2]),
        (lambda f: f.loc.__setitem__((4, "fuel"), "kerosene"), "fuel", "unknown category", [6]),
        (lambda f: f.loc.__setitem__((2, "power"), ""), "power", "missing value", [4]),
        (lambda f: f.loc.__setitem__((7, "id"), f.loc[1, "id"]), "id", "duplicated value", [9]),
        (lambda f: f.loc.__setitem__((1, "expo"), "0"), "expo", "out of range", [3]),
        (lambda f: f.loc.__setitem__((1, "expo"), "1.5"), "expo", "out of range", [3]),
    ],
    ids=[
        "missing-column",
        "unexpected-column",
        "wrong-type",
        "out-of-range",
        "unknown-category",
        "missing-value",
        "duplicated-id",
        "zero-exposure",
        "exposure-above-one",
    ],
)
def test_dataset_validate_reports_each_violation(portfolio_frame, change, column, problem, lines):
    found = problems(broken(portfolio_frame, change))

    assert (column, problem) in found
    if lines:
        assert found[(column, problem)]["example_lines"] == lines
        assert found[(column, problem)]["count"] == 1


def test_records_validate_names_record_index_and_field():
    good = {
        "coverage": "TPL",
        "ageph": 40,
        "bm": 3,
        "power": 70,
        "agec": 5,
        "fuel": "diesel",
        "use": "private",
        "fleet": 0,
        "postcode": 9000,
    }
    records = [
        good,
        {**good, "ageph": "forty"},
        {**good, "fuel": "electric"},
        {k: v for k, v in good.items() if k != "bm"},
        {**good, "power": 0},
    ]

    _, errors = records_validate(records)

    assert [(e["field"], e["code"]) for e in errors] == [
        ("records.1.ageph", "invalid"),
        ("records.2.fuel", "invalid_choice"),
        ("records.3.bm", "required"),
        ("records.4.power", "out_of_range"),
    ]


@pytest.mark.parametrize(
    ("records", "features", "columns"),
    [
        (
            [{"bm": 1, "agec": 2}, {"bm": 3, "agec": 4}],
            ("bm", "agec"),
            {"bm": [1, 3], "agec": [2, 4]},
        ),
        ([{"bm": 1}, {"agec": 4}], ("bm", "agec"), {"bm": [1, None], "agec": [None, 4]}),
        ([{"bm": 1}, {"bm": 2}], ("bm",), {"bm": [1, 2]}),
        ([], ("bm", "agec"), {"bm": [], "agec": []}),
    ],
    ids=["complete", "missing", "one feature", "no record"],
)
def test_records_columns_has_one_list_per_feature(records, features, columns):
    assert records_columns(records, features) == columns


MISSING = object()


def checked(records):
    """*records* as the prediction parser decodes them from a valid body."""
    return CheckedRecords(
        msgspec.json.decode(msgspec.json.encode(records), type=list[PredictionRecord])
    )


@pytest.mark.parametrize("features", [FEATURE_COLUMNS, RATING_FEATURES], ids=["location", "none"])
def test_checked_records_give_the_columns_the_records_give(features):
    records = [random_record(random.Random(seed)) for seed in range(200)]
    records[7]["fuel"] = "petrol"

    assert records_validate(checked(records), features=features) == records_validate(
        records, features=features
    )


@pytest.mark.parametrize("features", [FEATURE_COLUMNS, RATING_FEATURES], ids=["location", "none"])
def test_checked_records_without_a_location_get_the_errors_the_records_get(features):
    records = [random_record(random.Random(seed)) for seed in range(5)]
    del records[1]["postcode"]
    del records[3]["postcode"]

    columns, errors = records_validate(checked(records), features=features)

    assert len(errors) == (2 if "postcode" in features else 0)
    assert (columns, errors) == records_validate(records, features=features)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ageph", 16),
        ("ageph", 101),
        ("ageph", 35.0),
        ("ageph", True),
        ("ageph", "35"),
        ("ageph", None),
        ("fleet", 2),
        ("postcode", 999),
        ("coverage", "tpl"),
        ("fuel", "electric"),
        ("use", None),
        ("bm", MISSING),
    ],
)
def test_prediction_record_refuses_what_the_records_check_refuses(name, value):
    record = {**random_record(random.Random(0)), name: value}
    if value is MISSING:
        del record[name]
    assert records_validate([record])[1]

    with pytest.raises(msgspec.ValidationError):
        checked([record])


def test_report_text_reads_each_problem_in_the_readers_language(portfolio_frame):
    report = dataset_validate(broken(portfolio_frame, lambda f: f.pop("expo"))).as_dict()

    with translation.override("nl"):
        dutch = report_text(report)
    with translation.override("fr"):
        french = report_text(report)

    assert "expo: ontbrekende kolom" in dutch
    assert "expo: colonne manquante" in french
    assert report["issues"][0]["problem"] == "missing column"  # what API clients read


def test_report_text_shows_a_report_stored_before_problem_codes_as_it_was():
    stored = {
        "valid": False,
        "rows": 3,
        "issues": [{"column": "expo", "problem": "missing column", "count": None}],
    }

    with translation.override("nl"):
        assert "expo: missing column" in report_text(stored)
