"""A pilot manager finds the pilot's handbook from the home page, builds it, keeps its web page
for the archive and publishes it. A reader opens the public page, styled under the app's CSP; and
the kept copy, opened from disk with no server at all, is styled too.

Celery runs eagerly here (in the live server's thread), so the handbook is built while the request
is answered.
"""

import re
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import Page, expect

from fidelity import demo as fidelity_demo
from fidelity.frameworks import framework_data
from forums import demo as forums_demo
from tests.browser.conftest import SCREENSHOTS, Browser

PHONE = {"width": 390, "height": 844}
# report.css, which handbook.css imports, sets the book in Noto Sans first.
HANDBOOK_FONT = re.compile(r'^"?Noto Sans"?,')


@pytest.fixture
def pilot_with_returns(demo_pilot):
    framework_data.load(django_apps)  # an earlier transactional test may have flushed it
    fidelity_demo.seed(demo_pilot)
    forums_demo.seed(demo_pilot)
    return demo_pilot


def watch_console(page: Page) -> list[str]:
    """Every console error and warning the page logs (a CSP violation is one), as text."""
    logged: list[str] = []
    page.on(
        "console",
        lambda message: (
            logged.append(message.text) if message.type in ("error", "warning") else None
        ),
    )
    page.on("pageerror", lambda error: logged.append(str(error)))
    return logged


def assert_styled_as_the_handbook(page: Page) -> None:
    body = page.evaluate(
        "() => { const s = getComputedStyle(document.body);"
        " return {font: s.fontFamily, maxWidth: s.maxWidth}; }"
    )
    assert HANDBOOK_FONT.match(body["font"]), body
    assert body["maxWidth"] != "none", body  # the book's screen column
    chart = page.locator("svg[role=img]").first
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 100, box


def screenshots(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for viewport in ({"width": 1280, "height": 900}, PHONE):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{viewport['width']}.png"))
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= viewport["width"], f"{name} scrolls sideways at {viewport['width']} px"


def test_manager_builds_keeps_and_publishes_the_handbook_styled_online_and_offline(
    pilot_with_returns, user_browser, eager_celery, browser, tmp_path
):
    page = user_browser.page
    user_browser.login("manager")
    page.get_by_role("link", name="The pilot's handbook").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"The {pilot_with_returns.name} handbook"
    )
    page.get_by_role("button", name="Build the handbook").click()
    expect(page.get_by_role("link", name="Download the web page (HTML)")).to_be_visible(
        timeout=120_000
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the web page (HTML)").click()
    kept = tmp_path / "handbook.html"
    download.value.save_as(kept)
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.get_by_role("link", name="public page")).to_be_visible()
    user_browser.logout()

    # A reader, not signed in, on the public page.
    logged = watch_console(page)
    response = page.goto(f"/handbook/{pilot_with_returns.slug}/")
    assert response.status == 200
    assert "style-src 'self'" in response.headers["content-security-policy"]
    assert_styled_as_the_handbook(page)
    expect(
        page.get_by_role("link", name=re.compile("Download this handbook as a PDF"))
    ).to_be_visible()
    screenshots(page, "handbook-public")
    assert logged == []  # before axe, whose own checks inject styles and fetch the import
    Browser(page).assert_accessible()

    # Years on, from the archive: the kept file, with no server to ask for anything.
    offline = browser.new_context(viewport={"width": 1280, "height": 900})
    asked: list[str] = []
    offline.route(
        re.compile(r"^(?!file:)"), lambda route: (asked.append(route.request.url), route.abort())
    )
    reader = offline.new_page()
    logged = watch_console(reader)
    reader.goto(Path(kept).as_uri())
    assert_styled_as_the_handbook(reader)
    screenshots(reader, "handbook-file")
    assert asked == [] and logged == []
    offline.close()
