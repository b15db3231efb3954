"""Browser tests of the admin: Playwright drives Debian's Chromium against a live server on
loopback with the real PostgreSQL and Redis. Never downloads a browser."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parent / "screenshots"
ADMIN_PASSWORD = "a-browser-test-password"

# Playwright's sync API runs an event loop in this thread; the ORM calls of the tests are still
# plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def chromium_ensure() -> str:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed: run .ci/provision")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = chromium_ensure()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def browser_context(browser):
    """A browser window, with every Content-Security-Policy violation of its pages noted in
    `context.csp_violations` (the browser reports each one on the console)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    context.csp_violations = []
    context.on(
        "console",
        lambda message: (
            context.csp_violations.append(f"{message.location['url']}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return context


@pytest.fixture
def page(browser, request):
    context = browser_context(browser)
    opened = context.new_page()
    yield opened
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(exist_ok=True)
        opened.screenshot(path=SCREENSHOTS / f"{request.node.name}.png", full_page=True)
    context.close()
    # Every page a test opened works under the policy the server sends.
    assert context.csp_violations == []


def logged_in(page, live_server, username: str, language: str | None = None):
    if language:
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector(f"html[lang={language}] #site-name" if language else "#site-name")
    return page


@pytest.fixture
def admin_page(page, live_server, django_user_model):
    """A business user logged in through the login form."""
    django_user_model.objects.create_superuser("staff", password=ADMIN_PASSWORD)
    return logged_in(page, live_server, "staff")


@pytest.fixture
def approver_page(browser, live_server, django_user_model, request):
    """A second business user, in a browser of their own and in the module's language if it has
    one: four eyes approve what the first drafts."""
    language = request.getfixturevalue("language") if "language" in request.fixturenames else None
    django_user_model.objects.create_superuser("second", password=ADMIN_PASSWORD)
    context = browser_context(browser)
    yield logged_in(context.new_page(), live_server, "second", language)
    context.close()
    assert context.csp_violations == []


@pytest.fixture
def staff_page(page, live_server, django_user_model, language):
    """A business user who reads the admin in *language* (a fixture of the module), logged in
    through the login form."""
    django_user_model.objects.create_superuser("staff", password=ADMIN_PASSWORD)
    return logged_in(page, live_server, "staff", language)
