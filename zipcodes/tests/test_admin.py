"""Staff edits in the admin reach the API at once; the admin import validates like the command."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zipcodes.models import Zipcode
from zipcodes.services import zipcode_load_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def table(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        zipcode_load_csv(lines=["9000,B", "1000,C"])


def api_class(api_client, code: int) -> str:
    url = reverse("api:zipcodes:detail", kwargs={"zipcode": code})
    return api_client.get(url).json()["risk_class"]


def test_admin_list_edit_is_visible_on_next_api_call(
    editor, api_client, django_capture_on_commit_callbacks
):
    assert api_class(api_client, 9000) == "B"
    zipcode = Zipcode.objects.get(code=9000)
    changelist = reverse("admin:zipcodes_zipcode_changelist")
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(zipcode.pk),
        "form-0-risk_class": "A",
        "_save": "Save",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(f"{changelist}?q=9000", data)

    assert response.status_code == 302
    assert api_class(api_client, 9000) == "A"
    assert Zipcode.history.filter(code=9000).first().history_user.username == "editor"


def test_admin_import_is_visible_on_next_api_call(
    editor, api_client, django_capture_on_commit_callbacks
):
    assert api_class(api_client, 9000) == "B"
    upload = SimpleUploadedFile("z.csv", b"zipcode,risk_class\n9000,C\n")

    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(reverse("admin:zipcodes_zipcode_import_csv"), {"file": upload})

    assert response.status_code == 302
    assert api_class(api_client, 9000) == "C"


def test_admin_import_lists_bad_lines_and_changes_nothing(editor):
    upload = SimpleUploadedFile("z.csv", b"9000,A\n9001,Z\n")

    response = editor.post(reverse("admin:zipcodes_zipcode_import_csv"), {"file": upload})

    assert response.status_code == 200
    assert "Nothing was imported" in response.text
    assert "Unknown risk class &#x27;Z&#x27;" in response.text
    assert Zipcode.objects.get(code=9000).risk_class_id == "B"


def test_admin_export_writes_the_import_layout(editor):
    response = editor.post(
        reverse("admin:zipcodes_zipcode_export"),
        {
            "format": "0",
            "resource": "0",
            "zipcoderesource_zipcode": "on",
            "zipcoderesource_risk_class": "on",
            "zipcoderesource_municipality": "on",
        },
    )

    assert response.status_code == 200
    assert response.content.decode().splitlines()[:2] == [
        "zipcode,risk_class,municipality",
        "1000,C,",
    ]


def test_pricing_editors_may_edit_zipcodes_but_not_promote_models():
    group = Group.objects.get(name="pricing editors")
    codenames = set(group.permissions.values_list("codename", flat=True))

    assert {"change_zipcode", "change_riskclass"} <= codenames
    assert "promote_modelversion" not in codenames


def test_zipcode_list_offers_no_way_to_edit_the_shared_risk_class(editor):
    page = editor.get(reverse("admin:zipcodes_zipcode_changelist")).text

    assert 'name="form-0-risk_class"' in page
    assert "change-related" not in page
    assert "delete-related" not in page


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("excel-be.csv", "zipcode;risk_class;municipality\r\n9000;A;Gent\r\n4000;C;Liège\r\n"),
        (
            "excel.xlsx",
            [["zipcode", "risk_class", "municipality"], [9000, "A", "Gent"], [4000, "C", "Liège"]],
        ),
    ],
)
def test_admin_imports_a_belgian_excel_csv_and_an_xlsx(editor, name, content):
    data = content.encode("utf-8-sig") if isinstance(content, str) else xlsx(content)

    response = editor.post(
        reverse("admin:zipcodes_zipcode_import_csv"),
        {"file": SimpleUploadedFile(name, data)},
        follow=True,
    )

    assert Zipcode.objects.get(code=9000).risk_class_id == "A"
    assert Zipcode.objects.get(code=4000).municipality == "Liège"
    assert ("separated by &#x27;;&#x27;" in response.text) is name.endswith(".csv")


def test_admin_xlsx_import_reports_bad_rows_by_number_and_changes_nothing(editor):
    data = xlsx([["zipcode", "risk_class"], [9000, "A"], [9001, "Z"], [99, "B"]])

    response = editor.post(
        reverse("admin:zipcodes_zipcode_import_csv"), {"file": SimpleUploadedFile("z.xlsx", data)}
    )

    assert "line 3" in response.text.lower() or "<td>3</td>" in response.text
    assert "Unknown risk class &#x27;Z&#x27;" in response.text
    assert Zipcode.objects.get(code=9000).risk_class_id == "B"


def test_admin_refuses_a_latin1_csv_with_a_clear_message(editor):
    data = "zipcode,risk_class,municipality\n4000,C,Liège\n".encode("latin-1")

    response = editor.post(
        reverse("admin:zipcodes_zipcode_import_csv"), {"file": SimpleUploadedFile("z.csv", data)}
    )

    assert "not UTF-8" in response.text
    assert not Zipcode.objects.filter(code=4000).exists()


def test_zipcode_list_is_searched_by_municipality_in_any_language(admin_client):
    zipcode_load_csv(
        lines=[
            "zipcode,risk_class,municipality,province,other_names",
            '4000,C,Liège,Province de Liège,"Luik, Lüttich"',
            "9000,B,Gent,Provincie Oost-Vlaanderen,Gand",
        ]
    )

    found = admin_client.get(reverse("admin:zipcodes_zipcode_changelist"), {"q": "luik"})

    assert [row.code for row in found.context["cl"].result_list] == [4000]
