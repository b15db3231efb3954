"""A quote explained: its expected frequency is the model's average policy times one factor per
characteristic, exactly (a GLM's relativities, boosted trees' path contributions), so staff can
say why one premium is above another."""

import math

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from mlmodels.factors import RATING_VARIABLES
from mlmodels.tests.fixtures import promote
from tariffs.services import premium_quote, quote_frequency_explain
from tariffs.tests.fixtures import quote_request

pytestmark = pytest.mark.django_db


def quote(**changes):
    return premium_quote(request=quote_request(**changes))


@pytest.mark.parametrize("estimator", ["glm", "hist_gradient_boosting"])
def test_the_factors_multiply_back_to_the_quotes_frequency(
    quoting, train, estimator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        promote(train(estimator=estimator))
    young = quote(driver_age=19, bonus_malus=11)

    explanation = quote_frequency_explain(quote=young)

    assert explanation.frequency == pytest.approx(young.frequency, rel=1e-9)
    # Every characteristic the rating factors show, in their order.
    assert [name for name, _value, _factor in explanation.factors] == [
        variable.name for variable in RATING_VARIABLES
    ]
    assert {name: value for name, value, _f in explanation.factors}["ageph"] == 19


def test_two_neighbours_differ_by_the_factors_of_what_differs(
    quoting, train, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        promote(train(estimator="glm"))
    young, older = quote(driver_age=19), quote(driver_age=50)

    mine = {name: f for name, _v, f in quote_frequency_explain(quote=young).factors}
    theirs = {name: f for name, _v, f in quote_frequency_explain(quote=older).factors}

    # Same street, same car: only the age's factor differs, and it is the whole difference.
    assert {name for name in mine if not math.isclose(mine[name], theirs[name])} == {"ageph"}
    assert young.frequency / older.frequency == pytest.approx(
        mine["ageph"] / theirs["ageph"], rel=1e-9
    )


def test_quote_page_and_reprice_answer_explain_the_frequency(
    quoting, train, client, make_api_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        promote(train(estimator="glm"))
    stored = quote(driver_age=19)
    client.force_login(User.objects.create_superuser("staff", password="x"))

    page = client.get(reverse("admin:tariffs_quote_change", args=[stored.pk])).content.decode()
    answer = make_api_client().post(reverse("api:tariffs:reprice", kwargs={"quote_id": stored.pk}))

    assert 'id="frequency-explained"' in page
    explained = answer.json()["frequency_explained"]
    assert explained["frequency"] == pytest.approx(stored.frequency, rel=1e-9)
    assert explained["factors"][0]["variable"] == "ageph"
    assert explained["factors"][0]["value"] == "19"


def test_a_random_forest_cannot_take_its_frequency_apart(
    quoting, train, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        promote(train(estimator="random_forest"))

    assert quote_frequency_explain(quote=quote()) is None
