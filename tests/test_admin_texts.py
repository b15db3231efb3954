"""Every admin page of a demo-like world, read in Dutch and in French, holds no English text of
our own catalogue that has a translation: a label, heading, message or chart legend left in
English fails here, with the page and the phrase."""

import gettext
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

from mlmodels.models import ModelVersion
from mlmodels.services import model_version_train
from strategies.models import Brand, FuelMapping
from strategies.services import brand_save, fuel_mapping_save
from strategies.tests.fixtures import rule
from tariffs.models import ZoningProposal
from tariffs.services import (
    QuoteRequest,
    Scenario,
    impact_analysis_create,
    premium_quote,
    tariff_evaluation_create,
    zoning_proposal_create,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")


def english_phrases(language: str) -> set[str]:
    """The phrases of our catalogue that read differently once translated: each msgid's text
    between its placeholders, of two words or more (single words are also data: "Diesel")."""
    compiled = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.mo"
    with compiled.open("rb") as file:
        catalogue = gettext.GNUTranslations(file)._catalog  # the stdlib's parsed catalogue
    phrases = set()
    for msgid, msgstr in catalogue.items():
        if not isinstance(msgid, str) or not msgid or msgid == msgstr:
            continue
        for part in PLACEHOLDER.split(msgid):
            part = part.strip(" .,:;()'\"-–…")
            if len(part.split()) >= 2 and part not in str(msgstr):
                phrases.add(part)
    return phrases


class VisibleText(HTMLParser):
    """The text a reader sees: text nodes and button labels, not scripts, styles or URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        values = dict(attrs)
        if tag == "input" and values.get("type") == "submit" and values.get("value"):
            self.parts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


@pytest.fixture
def world(book, production_tariff, django_capture_on_commit_callbacks, admin_user):
    """What a demo holds: a quote, drafts simulated, a zoning proposal, a backtest, a
    candidate model, a brand and a fuel mapping."""
    with django_capture_on_commit_callbacks(execute=True):
        brand_save(brand=Brand(name="Toyota"))
        fuel_mapping_save(mapping=FuelMapping(fuel="electric", priced_as="petrol"))
        draft = rule(fuel="diesel", percent="-10", state="draft")
        premium_quote(
            request=QuoteRequest(
                zipcode=9000,
                brand="Toyota",
                fuel="diesel",
                power_kw=85,
                vehicle_age=3,
                driver_age=35,
                bonus_malus=2,
                coverage="TPL",
                use="private",
                fleet=False,
                date=date(2026, 11, 24),
            )
        )
        impact_analysis_create(
            dataset_id=book.pk, scenario=Scenario(rules=(draft.pk,)), on=date(2026, 11, 24)
        )
        zoning_proposal_create(dataset=book, created_by=admin_user)
        tariff_evaluation_create(dataset=book, requested_by=admin_user)
    model_version_train(
        dataset=book, task="claim_frequency", estimator="glm", cv=0, trained_by=admin_user
    )
    return draft


def admin_pages(draft) -> list[str]:
    """Every list, every object's first page, every add form, and the tariff's own pages."""
    pages = []
    for model in admin.site._registry:
        opts = model._meta
        if opts.app_label == "auth":
            continue  # users and groups list Django's permission names, stored in English
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        first = model.objects.order_by("pk").first()
        if first is not None:
            pages.append(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            )
    proposal = ZoningProposal.objects.get()
    candidate = ModelVersion.objects.filter(is_production=False).latest("pk")
    return [
        *pages,
        reverse("admin:strategies_pricingrule_add"),
        reverse("admin:tariffs_tariffversion_add"),
        reverse("admin:strategies_pricingrule_preview")
        + "?brand=toyota&fuel=diesel&date=24/11/2026",
        reverse("admin:strategies_pricingrule_approve", args=[draft.pk]),
        reverse("admin:tariffs_zoningproposal_approve", args=[proposal.pk]),
        reverse("admin:mlmodels_modelversion_promote", args=[candidate.pk]),
        reverse("admin:indices_healthindex_chart"),
        reverse("admin:zipcodes_zipcode_export"),
    ]


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_every_admin_page_reads_in_the_staff_language(admin_client, world, language):
    phrases = english_phrases(language)
    found = {}
    for page in admin_pages(world):
        response = admin_client.get(page, headers={"accept-language": language}, follow=True)
        assert response.status_code == 200, page
        text = visible_text(response.content.decode())
        english = sorted(phrase for phrase in phrases if phrase in text)
        if english:
            found[page] = english

    assert found == {}
