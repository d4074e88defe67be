"""Every page each demo role reaches, on a 390 px phone: the page never scrolls sideways (a wide
table scrolls inside its own region) and axe finds nothing serious or critical.

The pages are found as a person would find them: from the home page, every same-site link, and
every link on those pages (two levels). Not followed: signing out, downloads and exports (not
pages), the admin site, and a second copy of a page that differs only in its query values (the
improvement list filtered to each principle and LA is one page, checked once).
"""

import re
from urllib.parse import urldefrag, urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command
from playwright.sync_api import Page

from fidelity.frameworks import framework_data
from tests.browser.conftest import DEMO_PASSWORD, Browser

PHONE = {"width": 390, "height": 844}
NOT_PAGES = re.compile(
    r"/logout|/admin/|/static/|/media/|export|download|\.(csv|xlsx|pdf|json|zip|txt)(\?|$)", re.I
)


@pytest.fixture
def demo_data(transactional_db, monkeypatch):
    """The whole demo: structure, returns, plans, peer reviews, forums, reports and reminders."""
    framework_data.load(apps)  # a transactional test before this one may have flushed it
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def phone(browser, live_server) -> Page:
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def page_key(url: str) -> tuple[str, tuple[str, ...]]:
    """A page is its path and which query parameters it has, not their values."""
    parts = urlsplit(url)
    return parts.path, tuple(sorted({p.split("=")[0] for p in parts.query.split("&") if p}))


def links_on(page: Page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    found = []
    for href in hrefs:
        url = urldefrag(href)[0]
        if url.startswith(origin) and not NOT_PAGES.search(url):
            found.append(url[len(origin) :] or "/")
    return found


def overflow(page: Page) -> str | None:
    """What makes the page wider than the screen, or None when it fits."""
    width = page.evaluate("document.documentElement.scrollWidth")
    if width <= PHONE["width"]:
        return None
    # The innermost elements that stick out, or whose own content does, outside any scroller.
    culprits = page.evaluate(
        """limit => {
            const wide = [...document.querySelectorAll('body *')].filter(e =>
                !e.closest('.table-responsive') && (e.getBoundingClientRect().right > limit + 1
                || (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible')));
            return wide.filter(e => !wide.some(other => other !== e && e.contains(other)))
                .slice(0, 3)
                .map(e => e.tagName.toLowerCase() + [...e.classList].map(c => '.' + c).join(''));
        }""",
        PHONE["width"],
    )
    return f"{width} px wide: {', '.join(culprits)}"


def serious_axe_findings(browser: Browser) -> str | None:
    try:
        browser.assert_accessible()
    except AssertionError as error:
        return str(error)
    return None


def crawl(browser: Browser, origin: str, levels: int = 2) -> dict[str, list[str]]:
    """Every page reachable from the home page in `levels` clicks, and what is wrong on each."""
    page = browser.page
    home = page.url[len(origin) :]
    checked: dict[str, list[str]] = {}
    seen = {page_key(home)}
    frontier = [home]
    for level in range(levels + 1):
        following = []
        for path in frontier:
            response = page.goto(path)
            page.wait_for_load_state("networkidle")
            problems = []
            if response is None or response.status >= 500:
                problems.append(f"answered {response.status if response else 'nothing'}")
            problems += [p for p in (overflow(page), serious_axe_findings(browser)) if p]
            checked[path] = problems
            if level < levels:
                for url in links_on(page, origin):
                    if page_key(url) not in seen:
                        seen.add(page_key(url))
                        following.append(url)
        frontier = following
    return checked


@pytest.mark.parametrize("username", ["manager", "lead-bolton", "facilitator", "reviewer-1"])
def test_every_page_a_role_reaches_fits_a_phone_and_passes_axe(demo_data, phone, username):
    browser = Browser(phone)
    browser.login(username)
    origin = phone.url[: len(phone.url) - len(urlsplit(phone.url).path)]
    checked = crawl(browser, origin)
    print(f"\n{username}: {len(checked)} pages checked at {PHONE['width']} px")
    for path, problems in checked.items():
        print(f"  {'FAIL' if problems else 'ok  '} {path}")
        for problem in problems:
            print(f"       {problem}")
    failing = {path: problems for path, problems in checked.items() if problems}
    assert len(checked) > 5, "the crawl found almost nothing: is the demo data there?"
    assert not failing, f"{len(failing)} of {len(checked)} pages fail on a phone: {failing}"


def test_the_check_notices_a_page_wider_than_the_phone(demo_data, phone):
    """The check itself: an element wider than the screen makes the page scroll sideways."""
    Browser(phone).login("lead-bolton")
    assert overflow(phone) is None
    phone.evaluate(
        """() => { const wide = document.createElement('div');
                   wide.className = 'too-wide'; wide.style.width = '600px';
                   wide.textContent = 'A wide element';
                   document.querySelector('main').append(wide); }"""
    )
    assert overflow(phone).startswith("6")
    assert "div.too-wide" in overflow(phone)
