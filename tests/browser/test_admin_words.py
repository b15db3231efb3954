"""Every admin page of a demo-like world, as Chromium shows it to Dutch and French staff, holds
no English word: what the page says (its rendered text, charts' alternative texts and buttons
included) is read word by word against a list of English words that are neither Dutch nor
French nor data. The test client's twin (tests/test_admin_texts.py) checks our catalogue's
phrases; this one also catches English from Django, libraries and stored rows."""

import re

import pytest

from tests.admin_world import admin_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# English words a Dutch or French page has no reason to hold. Left out on purpose: words that
# are also Dutch or French ("is", "in", "of", "was", "per", "filter", "model", "version",
# "production", "candidate", "change") and the portfolio's own values ("private", "work").
ENGLISH_WORDS = frozenset(
    """
    the and with without which this these that from when where will would should there their
    every each after before please select search save delete history none true false yes
    rows used valid loading approved draft retired between than only also unknown missing
    add all were has have not been here fee strategy expectedclaimcost
    """.split()  # noqa: SIM905 - a list to read and extend, not to count quotes in
)
# An identifier (a scikit-learn value such as from_dtype) is one token, not words.
WORD = re.compile(r"[A-Za-z_]+")


@pytest.fixture(params=["nl", "fr"])
def language(request):
    return request.param


def english_words(text: str) -> list[str]:
    return sorted({word for word in WORD.findall(text) if word.lower() in ENGLISH_WORDS})


def test_every_admin_page_shows_no_english_word(staff_page, live_server, risk_classes, world):
    found = {}
    for page in admin_pages(world):
        response = staff_page.goto(f"{live_server.url}{page}")
        assert response is not None, page
        assert response.status == 200, page
        shown = staff_page.evaluate(
            "() => [document.body.innerText,"
            # Django's own icons (a search glass, a yes/no) carry fixed English alternative
            # texts it offers no translation for: only our charts' are read.
            " ...[...document.querySelectorAll("
            "'img[alt]:not([src*=\"/static/admin/\"]), input[type=submit]')]"
            ".map(element => element.alt || element.value)].join(' ')"
        )
        english = english_words(shown)
        if english:
            found[page] = english

    assert not found, "\n".join(f"{page}: {', '.join(words)}" for page, words in found.items())
