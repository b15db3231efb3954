"""The zipcode CSV loader: both formats, every kind of bad line, idempotence."""

import pytest

from pricing_site.exceptions import ApplicationError
from zipcodes.models import Zipcode
from zipcodes.services import zipcode_load_csv

pytestmark = pytest.mark.django_db


def load(text: str, **kwargs):
    return zipcode_load_csv(lines=text.splitlines(), **kwargs)


def stored() -> dict[int, tuple[str, str]]:
    return {z.code: (z.risk_class_id, z.municipality) for z in Zipcode.objects.all()}


def test_zipcode_load_csv_reads_legacy_codes_and_inclusive_ranges():
    report = load("9000,B\n9170-9172,a\n")

    assert stored() == {9000: ("B", ""), 9170: ("A", ""), 9171: ("A", ""), 9172: ("A", "")}
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)


def test_zipcode_load_csv_reads_headered_file_with_municipality():
    load("zipcode,risk_class,municipality\n1000,C,Brussel\n9000,B,Gent\n")

    assert stored() == {1000: ("C", "Brussel"), 9000: ("B", "Gent")}


def test_zipcode_load_csv_reads_coordinates_with_either_decimal_separator():
    load(
        'zipcode,risk_class,longitude,latitude\n9000,B,3.71667,51.05\n4000,C,"5,56749","50,63373"\n'
    )

    located = dict(Zipcode.objects.values_list("code", "longitude"))
    assert located == {9000: 3.71667, 4000: 5.56749}
    assert Zipcode.objects.get(code=4000).latitude == 50.63373


def test_zipcode_load_csv_refuses_coordinates_outside_belgium_by_line():
    with pytest.raises(ApplicationError) as caught:
        load("zipcode,risk_class,longitude,latitude\n9000,B,51.05,3.71\n1000,C,4.35,50.85\n")

    assert [error["line"] for error in caught.value.extra["errors"]] == [2, 2]
    assert "longitude '51.05' is not in Belgium" in caught.value.extra["errors"][0]["message"]
    assert not Zipcode.objects.exists()


def test_zipcode_load_csv_keeps_coordinates_a_file_does_not_give():
    load("zipcode,risk_class,longitude,latitude\n9000,B,3.71667,51.05\n")

    load("9000,A\n")

    assert Zipcode.objects.values_list("longitude", "latitude").get() == (3.71667, 51.05)


def test_zipcode_load_csv_keeps_municipality_when_legacy_file_has_none():
    load("zipcode,risk_class,municipality\n9000,B,Gent\n")

    report = load("9000,A\n")

    assert stored() == {9000: ("A", "Gent")}
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)


def test_zipcode_load_csv_changes_nothing_when_reloaded():
    load("9000,B\n1000-1010,C\n")

    report = load("9000,B\n1000-1010,C\n")

    assert (report.created, report.updated, report.unchanged) == (0, 0, 12)
    assert Zipcode.history.count() == 12


def test_zipcode_load_csv_counts_without_writing_when_dry_run():
    report = load("9000,B\n", dry_run=True)

    assert report.created == 1
    assert "Dry run" in str(report)
    assert not Zipcode.objects.exists()


def test_zipcode_load_csv_reports_every_bad_line_and_writes_nothing():
    load("9000,B\n")
    text = "\n".join(
        [
            "9000,A",  # 1 valid, must not be written
            "9000",  # 2 malformed
            "abc,B",  # 3 not a code
            "999,A",  # 4 out of range
            "10000,A",  # 5 out of range
            "9100,D",  # 6 unknown class
            "9240-9170,A",  # 7 reversed range
            "9300,A",  # 8 valid
            "9300,B",  # 9 conflicting class
            "9295-9305,A",  # 10 same class again: fine
        ]
    )

    with pytest.raises(ApplicationError) as raised:
        load(text)

    assert raised.value.code == "invalid_zipcode_file"
    assert [error["line"] for error in raised.value.extra["errors"]] == [2, 3, 4, 5, 6, 7, 9]
    messages = " ".join(error["message"] for error in raised.value.extra["errors"])
    assert "Unknown risk class 'D'" in messages
    assert "reversed" in messages
    assert "on line 8" in messages
    assert stored() == {9000: ("B", "")}


def test_zipcode_load_csv_refuses_header_without_required_columns():
    with pytest.raises(ApplicationError) as raised:
        load("zipcode,municipality\n9000,Gent\n")

    assert raised.value.extra["errors"] == [
        {"line": 1, "message": "The header lacks the column(s) risk_class."}
    ]


def test_zipcode_load_csv_refuses_empty_file():
    with pytest.raises(ApplicationError):
        load("\n\n")
