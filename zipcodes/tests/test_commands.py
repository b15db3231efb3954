"""`load_zipcodes`: summary line, every bad line on stderr, non-zero exit."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from zipcodes.models import Zipcode

pytestmark = pytest.mark.django_db


def test_load_zipcodes_prints_counts(tmp_path):
    path = tmp_path / "z.csv"
    path.write_text("9000,B\n9170-9240,A\n")
    out = StringIO()

    call_command("load_zipcodes", str(path), stdout=out)

    assert out.getvalue().strip() == "72 created, 0 updated, 0 unchanged."


def test_load_zipcodes_reports_bad_lines_and_fails(tmp_path):
    path = tmp_path / "z.csv"
    path.write_text("9000,B\n9001,X\n9002\n")
    err = StringIO()

    with pytest.raises(CommandError, match="2 bad line"):
        call_command("load_zipcodes", str(path), stderr=err)

    assert err.getvalue().splitlines() == [
        "line 2: Unknown risk class 'X' (known: A, B, C).",
        "line 3: Expected 'zipcode,class' or 'from-to,class', got 1 fields.",
    ]
    assert not Zipcode.objects.exists()


@pytest.mark.parametrize(
    ("encoding", "says"), [("latin-1", "not UTF-8 \\(line 2"), ("utf-16", "UTF-16")]
)
def test_load_zipcodes_refuses_a_file_not_in_utf8_and_writes_nothing(tmp_path, encoding, says):
    path = tmp_path / "z.csv"
    path.write_text("zipcode,risk_class,municipality\n4000,B,Liège\n", encoding=encoding)

    with pytest.raises(CommandError, match=says):
        call_command("load_zipcodes", str(path))

    assert not Zipcode.objects.exists()


def test_load_zipcodes_reads_utf8_with_the_bom_excel_writes(tmp_path):
    path = tmp_path / "z.csv"
    path.write_text("zipcode,risk_class,municipality\n4000,B,Liège\n", encoding="utf-8-sig")

    call_command("load_zipcodes", str(path), stdout=StringIO())

    assert Zipcode.objects.get(code=4000).municipality == "Liège"


def test_load_zipcodes_fails_clearly_when_file_missing(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load_zipcodes", str(tmp_path / "missing.csv"))


def test_load_zipcodes_loads_the_real_belgian_table():
    out = StringIO()

    call_command("load_zipcodes", "fixtures/zipcodes.csv", stdout=out)

    assert Zipcode.objects.count() == 1149
    ghent = Zipcode.objects.get(code=9000)
    assert (ghent.municipality, ghent.province) == ("Gent", "Provincie Oost-Vlaanderen")
    assert not Zipcode.objects.filter(code=1001).exists()  # not a postal code


def test_load_zipcodes_still_reads_the_legacy_ranges():
    call_command("load_zipcodes", "fixtures/zipcode_ranges_legacy.csv", stdout=StringIO())

    assert Zipcode.objects.count() == 9000
