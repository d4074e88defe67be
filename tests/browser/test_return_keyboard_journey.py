"""Keyboard only: Bolton's team leader completes the demo's Q3 return, from the home page to
"submitted", through the task list, one short page per section, one round of errors (a negative
caseload figure), the carried actions updated in one table, and Check your answers.

No mouse: Tab, Shift+Tab, arrow keys within a radio group, Space, Enter and typing. The test
prints the page loads, key presses and errors, and keeps them under sensible bounds.
"""

import re

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect

from fidelity import demo
from fidelity.frameworks import framework_data
from fidelity.improvement.models import ImprovementAction
from fidelity.measures.models import PilotMeasure
from fidelity.measures.validation import measure_key
from fidelity.returns.models import QAReturn, ReturnStatus

# What the focused element says of itself: its text, value, id and label.
FOCUSED = """() => {
  const e = document.activeElement;
  const label = e.labels && e.labels[0] ? e.labels[0].innerText : "";
  return [e.innerText || "", e.id || "", e.getAttribute("aria-label") || "", label].join(" | ");
}"""


@pytest.fixture
def demo_data(demo_pilot):
    # A transactional test database may have been flushed of the migration's framework.
    framework_data.load(apps)
    demo.seed(demo_pilot)
    return demo_pilot


class Keyboard:
    """Drives the page with keys only and counts what it costs."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.tabs = 0
        self.other_keys = 0
        self.loads = 0
        page.on("load", lambda _: self._loaded())

    def _loaded(self) -> None:
        self.loads += 1

    def focused(self) -> str:
        return self.page.evaluate(FOCUSED)

    def tab_to(self, pattern: str, *, back: bool = False, limit: int = 80) -> int:
        """Presses Tab (or Shift+Tab) until the focused element matches; gives back how many."""
        for count in range(1, limit + 1):
            self.page.keyboard.press("Shift+Tab" if back else "Tab")
            self.tabs += 1
            if re.search(pattern, self.focused()):
                return count
        raise AssertionError(f"No {pattern!r} within {limit} Tab presses")

    def tab(self) -> None:
        self.page.keyboard.press("Tab")
        self.tabs += 1

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.other_keys += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def enter_and_wait(self) -> None:
        with self.page.expect_navigation():
            self.press("Enter")
        self.page.wait_for_load_state("networkidle")


def _score_section(keys: Keyboard, *, low_code: str | None = None) -> int:
    """Scores every indicator of the section on the page "3 Mostly in place" (or 2 for
    `low_code`) with a line of evidence, then Save and continue. Gives back the Tab presses from
    the first evidence box to "Save and continue"."""
    page = keys.page
    codes = page.locator(".return-indicator").evaluate_all(
        "els => els.map(e => e.id.replace('indicator-', ''))"
    )
    from_first_evidence = 0
    for position, code in enumerate(codes):
        steps = keys.tab_to(rf"\bid_score-{re.escape(code)}-rating_0\b")
        if position:
            from_first_evidence += steps
        # Into an unanswered group: the first radio. Arrow keys move the choice along.
        for _ in range(1 if code == low_code else 2):
            keys.press("ArrowRight")
        keys.tab()
        assert f"id_score-{code}-evidence" in keys.focused()
        from_first_evidence += 1 if position else 0
        keys.type(f"Invented evidence for {code}.")
    from_first_evidence += keys.tab_to("Save and continue")
    keys.enter_and_wait()
    return from_first_evidence


def test_lead_completes_the_q3_return_by_keyboard_only(demo_data, user_browser):
    page = user_browser.page
    user_browser.login("lead-bolton")
    keys = Keyboard(page)
    carried_before = ImprovementAction.objects.filter(
        team__name="Housing First Bolton", no_action=False, status__in=["open", "in_progress"]
    ).count()
    assert carried_before >= 3

    # Home: the Q3 return is one link away, then the returns list starts it.
    keys.tab_to("Start the 2026-27 Q3 return")
    keys.enter_and_wait()
    if "/returns/" in page.url and "/tasks/" not in page.url:
        keys.tab_to("Start the 2026-27 Q3 return")
        keys.enter_and_wait()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Housing First Bolton")
    expect(page.locator("#task-p1")).to_contain_text("Not started")
    user_browser.screenshot("return-task-list")
    user_browser.assert_accessible()

    # The first section, from the task list; then every principle in turn.
    keys.tab_to(r"^P1\.")
    keys.enter_and_wait()
    first_section_tabs = None
    for number in range(1, 8):
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"P{number}.")
        if number == 1:
            user_browser.assert_accessible()
        tabs = _score_section(keys, low_code="4.2" if number == 4 else None)
        first_section_tabs = first_section_tabs or tabs

    # QA activities: none to add this quarter.
    expect(page.get_by_role("heading", level=1)).to_contain_text("QA activities")
    keys.tab_to("Save and continue")
    keys.enter_and_wait()

    # Caseload, with a deliberate mistake: a negative number.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Caseload")
    figures = [
        ("people_supported", "-12"),
        ("tenancies_sustained", "11"),
        ("tenancies_ended", "1"),
        ("ended_planned_move", "1"),
        ("staff_fte", "2"),
    ]
    for name, value in figures:
        keys.tab_to(rf"\bid_caseload-{name}\b")
        keys.type(value)
    keys.tab_to("Save and continue")
    keys.enter_and_wait()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Enter 0 or more.")
    errors = summary.locator("li").count()
    user_browser.screenshot("return-section-error")
    user_browser.assert_accessible()
    # Nothing typed was lost; the error's link leads to the field.
    expect(page.locator("#id_caseload-tenancies_sustained")).to_have_value("11")
    keys.tab_to("Enter 0 or more")
    keys.press("Enter")
    print("\nAfter following the error link, focus is on:", keys.focused())
    if "id_caseload-people_supported" not in keys.focused():
        keys.tab_to(r"\bid_caseload-people_supported\b", limit=2)
    keys.press("Control+a")
    keys.type("12")
    keys.tab_to("Save and continue")
    keys.enter_and_wait()

    # The pilot's own measures, each typed in its own field.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pilot measures")
    measures = PilotMeasure.objects.filter(pilot__slug="gm-demo", is_active=True)
    for measure, value in zip(measures, ("2", "5", "120.50"), strict=True):
        keys.tab_to(rf"\bid_measures-{measure_key(measure.pk)}\b")
        keys.type(value)
    keys.tab_to("Save and continue")
    keys.enter_and_wait()

    # The improvement plan: carried actions in one table, then this quarter's new action.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Improvement plan")
    expect(page.locator("main")).to_contain_text("Indicator 4.2 (scored 2)")
    rows = page.locator(".carried-row")
    assert rows.count() == carried_before
    first, second = (rows.nth(i).get_attribute("id").removeprefix("update-") for i in (0, 1))
    keys.tab_to(rf"\bid_update-{first}-status\b")
    keys.type("Done")
    keys.tab_to(rf"\bid_update-{second}-status\b", limit=2)
    keys.type("Dropped")
    keys.tab()  # the note box appears for a dropped action only
    assert f"id_update-{second}-update_note" in keys.focused()
    keys.type("Merged into the tenancy sustainment work.")
    keys.tab_to("Mark the rest", back=True, limit=8)
    keys.enter_and_wait()
    expect(page.locator("main")).to_contain_text("Improvement plan saved.")
    expect(page.locator(f"#id_update-{second}-status")).to_have_value("dropped")
    keys.tab_to(r"\bid_plan-\d+-plan_0\b")
    keys.press("Space")
    keys.tab_to(r"\bid_plan-\d+-what\b")
    keys.type("Plans written with the person, in their words.")
    keys.tab()
    keys.type("Team leader")
    keys.tab()
    keys.press("ArrowDown")
    user_browser.screenshot("return-improvement-plan")
    user_browser.assert_accessible()
    keys.tab_to("Save and continue")
    keys.enter_and_wait()

    # Check your answers: nothing left to fix; submit.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your answers")
    expect(page.locator("#error-summary")).to_have_count(0)
    user_browser.screenshot("return-check-answers")
    user_browser.assert_accessible()
    keys.tab_to("Skip the answers and go to Submit")
    keys.press("Enter")
    keys.tab_to("Submit for review", limit=3)
    keys.enter_and_wait()
    expect(page.locator("#return-status")).to_contain_text("Submitted")

    qa_return = QAReturn.objects.filter(team__name="Housing First Bolton").latest("quarter_index")
    assert qa_return.status == ReturnStatus.SUBMITTED
    assert qa_return.people_supported == 12
    statuses = list(
        ImprovementAction.objects.filter(updated_on=qa_return).values_list("status", flat=True)
    )
    assert len(statuses) == carried_before
    assert statuses.count("done") == 1 and statuses.count("dropped") == 1

    print(
        f"\nKeyboard journey: {keys.loads} page loads, {keys.tabs} Tab presses, "
        f"{keys.other_keys} other keys, {errors} error(s) in one round; "
        f"{first_section_tabs} Tab stops from the first evidence box to Save and continue"
    )
    assert errors == 1
    assert first_section_tabs <= 8  # 113 on the old single page
    assert keys.loads <= 20
    assert keys.tabs <= 400
