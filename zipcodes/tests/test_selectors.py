"""Zipcode lookups: cached after the first read, cleared by every kind of write."""

from decimal import Decimal

import pytest

from pricing_site.exceptions import ApplicationError, NotFoundError
from zipcodes.models import RiskClass, Zipcode
from zipcodes.selectors import zipcode_risk_class_get, zipcode_search
from zipcodes.services import zipcode_load_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def gent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        zipcode_load_csv(lines=["zipcode,risk_class,municipality", "9000,B,Gent"])


def test_zipcode_risk_class_get_returns_class_and_factor(gent):
    risk = zipcode_risk_class_get(code=9000)

    assert (risk.code, risk.risk_class, risk.factor, risk.municipality) == (
        9000,
        "B",
        Decimal("1.15"),
        "Gent",
    )


def test_zipcode_risk_class_get_reads_database_once(gent, django_assert_num_queries):
    with django_assert_num_queries(2):
        zipcode_risk_class_get(code=9000)
    with django_assert_num_queries(0):
        zipcode_risk_class_get(code=9000)


def test_zipcode_risk_class_get_caches_unknown_code_until_it_is_loaded(
    gent, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with pytest.raises(NotFoundError):
        zipcode_risk_class_get(code=1000)
    with django_assert_num_queries(0), pytest.raises(NotFoundError):
        zipcode_risk_class_get(code=1000)

    with django_capture_on_commit_callbacks(execute=True):
        zipcode_load_csv(lines=["1000,C"])

    assert zipcode_risk_class_get(code=1000).risk_class == "C"


def test_zipcode_risk_class_get_sees_admin_style_save_and_delete(
    gent, django_capture_on_commit_callbacks
):
    zipcode_risk_class_get(code=9000)
    zipcode = Zipcode.objects.get(code=9000)
    zipcode.risk_class_id = "A"
    with django_capture_on_commit_callbacks(execute=True):
        zipcode.save()
    assert zipcode_risk_class_get(code=9000).risk_class == "A"

    with django_capture_on_commit_callbacks(execute=True):
        zipcode.delete()
    with pytest.raises(NotFoundError):
        zipcode_risk_class_get(code=9000)


def test_zipcode_risk_class_get_sees_new_factor(gent, django_capture_on_commit_callbacks):
    zipcode_risk_class_get(code=9000)
    risk_class = RiskClass.objects.get(code="B")
    risk_class.factor = Decimal("1.20")
    with django_capture_on_commit_callbacks(execute=True):
        risk_class.save()

    assert zipcode_risk_class_get(code=9000).factor == Decimal("1.20")


@pytest.mark.parametrize("code", [999, 10000, "12a", "", "²"])
def test_zipcode_risk_class_get_refuses_invalid_code(code):
    with pytest.raises(ApplicationError) as raised:
        zipcode_risk_class_get(code=code)

    assert raised.value.code == "invalid_zipcode"


def test_zipcode_risk_class_get_answers_from_database_when_redis_is_down(gent, settings):
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there: a real outage
        }
    }

    assert zipcode_risk_class_get(code=9000).risk_class == "B"


@pytest.fixture
def municipalities():
    zipcode_load_csv(
        lines=[
            "zipcode,risk_class,municipality,province,other_names",
            '4000,C,Liège,Province de Liège,"Luik, Lüttich"',
            "2000,C,Antwerpen,Provincie Antwerpen,Anvers",
            "9000,B,Gent,Provincie Oost-Vlaanderen,Gand",
        ]
    )


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Luik", [4000]),
        ("liege", [4000]),
        ("LÜTTICH", [4000]),
        ("Liège", [4000]),
        ("Anvers", [2000]),
        ("antwerpen", [2000]),
        ("9000", [9000]),
        ("gand", [9000]),
        ("Namur", []),
        ("  ", []),
    ],
)
def test_zipcode_search_finds_a_municipality_in_any_language_case_and_accents_aside(
    municipalities, typed, found
):
    assert zipcode_search(term=typed) == found
