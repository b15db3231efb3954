"""The admin as Belgian staff read it, in a real browser in Dutch and French: municipalities
found by the name each says, and amounts, percentages and factors written the Belgian way."""

from datetime import date

import pytest

from tariffs.models import ImpactAnalysis
from tariffs.services import zoning_proposal_create
from zipcodes.services import zipcode_load_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=["nl", "fr"])
def language(request):
    return request.param


@pytest.fixture
def municipalities(risk_classes):
    zipcode_load_csv(
        lines=[
            "zipcode,risk_class,municipality,province,other_names",
            '4000,C,Liège,Province de Liège,"Luik, Lüttich"',
            "2000,C,Antwerpen,Provincie Antwerpen,Anvers",
            "9000,B,Gent,Provincie Oost-Vlaanderen,Gand",
        ]
    )


@pytest.mark.parametrize(
    ("typed", "found"), [("Luik", "4000"), ("liege", "4000"), ("Anvers", "2000")]
)
def test_a_municipality_is_found_by_the_name_staff_say(
    staff_page, live_server, municipalities, typed, found
):
    staff_page.goto(f"{live_server.url}/admin/zipcodes/zipcode/")
    staff_page.fill("#searchbar", typed)
    staff_page.press("#searchbar", "Enter")
    staff_page.wait_for_url("**/zipcode/?q=*")

    assert staff_page.locator("#result_list tbody th").all_inner_texts() == [found]


def test_an_impact_analysis_shows_its_amounts_the_belgian_way_on_one_line(
    staff_page, live_server, dataset
):
    group = {"value": "A", "policies": 3, "before": "6430056.56", "after": "6404169.19"}
    analysis = ImpactAnalysis.objects.create(
        dataset=dataset,
        on=date(2026, 12, 1),
        state=ImpactAnalysis.State.DONE,
        result={
            "policies": 3,
            "priced": 3,
            "unpriced": 0,
            "total_before": "6430056.56",
            "total_after": "6404169.19",
            "change": "-25887.37",
            "change_percent": -0.4,
            "histogram": [],
            "moved_more_than": {"5": 0},
            "by": {"zone": [{**group, "change_percent": -0.4}]},
            "movers": [],
            "loss_ratio": None,
            "rules_not_applied": [],
        },
    )

    staff_page.goto(f"{live_server.url}/admin/tariffs/impactanalysis/{analysis.pk}/change/")

    # A non-breaking space ties the sign to the amount: it never wraps onto two lines.
    totals = staff_page.inner_text("#impact-totals")
    assert "€\u00a06.430.056,56" in totals
    assert "€\u00a0-25.887,37 (-0,40\u00a0%)" in totals


@pytest.fixture
def proposal(risk_classes, book, admin_user):
    return zoning_proposal_create(dataset=book, created_by=admin_user)


def test_a_zoning_proposal_draws_every_postcode_on_the_map_of_belgium(
    staff_page, live_server, proposal, language
):
    staff_page.goto(f"{live_server.url}/admin/tariffs/zoningproposal/{proposal.pk}/change/")

    assert staff_page.locator("#zoning-map").evaluate("i => i.naturalWidth") > 0
    placed = {"nl": "1149 van 1149 postcodes op de kaart.", "fr": "1149 codes postaux sur 1149"}
    assert placed[language] in staff_page.inner_text("#zoning-map-placed")
