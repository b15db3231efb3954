"""Database constraints of the zipcode table."""

import pytest
from django.db import IntegrityError

from zipcodes.models import Zipcode

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", [999, 10000])
def test_zipcode_refused_by_database_when_not_four_digits(code):
    with pytest.raises(IntegrityError):
        Zipcode.objects.create(code=code, risk_class_id="A")


def test_zipcode_refused_by_database_when_duplicated():
    Zipcode.objects.create(code=9000, risk_class_id="A")

    with pytest.raises(IntegrityError):
        Zipcode.objects.create(code=9000, risk_class_id="B")
