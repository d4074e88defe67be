"""A pilot manager asks for last quarter's pilot report, watches it build, and downloads it.

Celery runs eagerly here (in the live server's thread), so the report is built while the request
is answered; the progress panel then shows it done.
"""

from io import BytesIO

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import expect
from pypdf import PdfReader

from fidelity import demo as fidelity_demo
from fidelity.frameworks import framework_data
from forums import demo as forums_demo


@pytest.fixture
def pilot_with_returns(demo_pilot):
    framework_data.load(django_apps)  # an earlier transactional test may have flushed it
    fidelity_demo.seed(demo_pilot)
    forums_demo.seed(demo_pilot)
    return demo_pilot


def test_manager_requests_last_quarters_pilot_report_and_downloads_it(
    pilot_with_returns, user_browser, eager_celery
):
    page = user_browser.page
    user_browser.login("manager")
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Fidelity reports")).to_be_visible()
    user_browser.screenshot("reports-index")
    user_browser.assert_accessible()

    page.get_by_label("Report for").select_option(label=f"Whole pilot: {pilot_with_returns.name}")
    page.get_by_role("button", name="Request report").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Fidelity report: pilot")
    progress = page.locator("#report-progress")
    expect(progress.get_by_role("status")).to_contain_text("Ready")
    expect(progress).to_contain_text("100% done")
    user_browser.screenshot("reports-detail-ready")
    user_browser.assert_accessible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert pilot_with_returns.name in text
    assert "Principles by local authority" in text
    assert "Tameside" in text
    assert len(reader.pages) >= 5
