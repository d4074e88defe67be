"""A pilot-defined measure from the form to the PDF: a team leader enters it on its own section
page, submits; a manager approves; the dashboard's caseload panel, its export and the quarterly
report all show the same sum of the counted returns."""

import csv
import io

import pytest
from django.urls import reverse

from common.quarters import Quarter
from fidelity.returns.models import ReturnStatus
from fidelity.returns.sections import return_sections
from fidelity.returns.services import return_approve, return_open
from reports.models import ReportStatus
from reports.services import report_request
from tests.fidelity.factories import (
    form_data,
    make_return,
    page_text,
    post_sections,
    use_default_framework,
)
from tests.fidelity.measures.factories import add_measures
from tests.reports.test_report_build import pdf_text

Q2 = Quarter(2026, 2)


@pytest.fixture
def measured(world):
    use_default_framework(world.pilot)
    world.measures = add_measures(world.pilot)
    return world


def _measure_data(measures, admissions="4", days="11", budget="1250.50") -> dict[str, str]:
    return {
        f"measures-measure_{measures.admissions.pk}": admissions,
        f"measures-measure_{measures.discharge_days.pk}": days,
        f"measures-measure_{measures.budget.pk}": budget,
    }


def test_a_measure_entered_in_the_return_reaches_the_panel_the_export_and_the_pdf(
    client, measured, eager_celery, django_capture_on_commit_callbacks
):
    w, m = measured, measured.measures
    draft = return_open(team=w.bolton_team, quarter=Q2, user=w.lead_bolton)
    assert "measures" in [s.slug for s in return_sections(qa_return=draft)]
    client.force_login(w.lead_bolton)
    page = client.get(reverse("fidelity:return_section", args=[draft.pk, "measures"]))
    assert "Hospital admissions" in page_text(page)
    assert "People admitted to hospital this quarter." in page_text(page)

    post_sections(client, draft, {**form_data(draft), **_measure_data(m)})
    draft.refresh_from_db()
    check = client.get(reverse("fidelity:return_check", args=[draft.pk]))
    assert "Hospital admissions 4" in page_text(check)
    assert "Personal budget spent (£) 1250.50" in page_text(check)
    client.post(
        reverse("fidelity:return_check_submit", args=[draft.pk]),
        {"lock_version": str(draft.lock_version)},
    )
    draft.refresh_from_db()
    assert draft.status == ReturnStatus.SUBMITTED
    return_approve(qa_return=draft, user=w.manager)
    # A second counted return adds to the sums; a draft's values never count.
    wigan = make_return(w.wigan_team, 2026, 2, status=ReturnStatus.APPROVED)
    wigan.measure_values.create(measure=m.admissions, value=2)
    wigan.measure_values.create(measure=m.budget, value="99.25")
    bury = make_return(w.bury_team, 2026, 2, status=ReturnStatus.DRAFT)
    bury.measure_values.create(measure=m.admissions, value=100)

    client.force_login(w.manager)
    panel = page_text(client.get(reverse("fidelity:dashboard"), {"quarter": Q2.slug}))
    assert "Hospital admissions 6 –" in panel
    assert "Delayed discharge days 11 –" in panel
    assert "Personal budget spent (£) 1349.75 –" in panel

    export = client.get(
        reverse("fidelity:dashboard_export", args=["caseload", "csv"]), {"quarter": Q2.slug}
    )
    rows = {r[0]: r for r in csv.reader(io.StringIO(export.content.decode("utf-8-sig")))}
    assert rows["Hospital admissions"][1] == "6"
    assert rows["Personal budget spent (£)"][1] == "1349.75"

    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(scope=w.pilot, quarter=Q2, user=w.manager)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    text, _ = pdf_text(report.current_version)
    assert "Hospital admissions 6" in text
    assert "Personal budget spent (£) 1349.75" in text
