"""Every admin page of a demo-like world, read in Dutch and in French, holds no English text of
our own catalogue that has a translation: a label, heading, message or chart legend left in
English fails here, with the page and the phrase."""

import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from tests.admin_world import admin_pages

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
