"""Fixtures every app's tests build on: the second person four eyes need."""

import pytest
from django.contrib.auth import get_user_model


def approver_get():
    """A staff member who may approve everything and drafted nothing (a test's set-up approves
    as them)."""
    user, _ = get_user_model().objects.get_or_create(
        username="approver", defaults={"is_staff": True, "is_superuser": True}
    )
    return user


@pytest.fixture
def approver(db):
    return approver_get()
