"""Browser journeys: a real chromium driven by Playwright's sync API against pytest-django's live server.

Playwright's sync API keeps an event loop running in the test's thread while the browser is open.
Django then refuses database access from that thread unless told it is safe (it is: the loop only
drives the browser), and — worse — keeps a separate, never-closed connection for "async" code.
So: the live server and the test data are set up before the browser starts (the `browser` fixture
depends on them), and a test reads the database while the browser is open only inside
`django_sync()`, which hides the loop for the duration.
"""

import asyncio
import os
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so the page fixture knows whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@contextmanager
def django_sync():
    """Run Django code (the ORM) in a browser test as the plain synchronous code it is."""
    loop = asyncio._get_running_loop()
    asyncio._set_running_loop(None)
    try:
        yield
    finally:
        asyncio._set_running_loop(loop)


@pytest.fixture
def browser(live_server, transactional_db):
    """A fresh headless chromium per test, started after the server and the database are ready
    (the event loop must not outlive the test: see above)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is not installed (make system-deps)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    """A page in Vietnamese, 1400 px wide; on failure a full-page screenshot goes to test-artifacts/."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{request.node.name}-failure.png", full_page=True)
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


@pytest.fixture
def sign_in(live_server):
    """sign_in(page, user, password, next_path): through the real sign-in form."""
    from django.urls import reverse

    def go(page, username: str, password: str, next_path: str) -> None:
        page.goto(f"{live_server.url}{reverse('accounts:login')}?next={next_path}")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}{next_path}*")

    return go
