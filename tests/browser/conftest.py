"""Browser tests: Django's live server driven by Debian's Chromium through Playwright.

Screenshots go to artifacts/screenshots/. Every page a test visits can be checked with axe-core;
a serious or critical violation fails the test.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, sync_playwright

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests to
# arrange data are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
DEMO_PASSWORD = "browser-test-password"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server) -> Page:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def demo_pilot(transactional_db):
    from partners.demo import seed_structure

    return seed_structure(password=DEMO_PASSWORD).pilot


class Browser:
    """Helpers a browser test reads like a user's story with."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def login(self, username: str, password: str = DEMO_PASSWORD) -> None:
        self.page.goto("/accounts/login/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state("networkidle")

    def logout(self) -> None:
        self.page.get_by_role("button", name="Sign out").click()
        self.page.wait_for_load_state("networkidle")

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def assert_accessible(self) -> None:
        results = Axe().run(self.page)
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not serious, f"axe found on {self.page.url}:\n" + "\n".join(serious)


@pytest.fixture
def user_browser(page) -> Browser:
    return Browser(page)
