"""Every file the app serves is made by common.downloads.

In a pilot whose text fields hold a formula (`=HYPERLINK(...)`) and whose names hold a curly
apostrophe ("Team Rochdale’s"), every GET URL in the URL configuration is requested by the pilot
manager (or, where the manager may not open it, by the first role of the authorisation matrix
that may). Any answer that is a file must come from a URL in DOWNLOADS; so a new download shows
up here until it is declared, and declaring it means passing the checks every download passes:

- CSV: UTF-8 with a byte-order mark; text a spreadsheet would run starts with ' (never raw).
- XLSX: no formula cells; such text starts with '; dates are date cells shown `d mmm yyyy`,
  never text; a bold header row frozen in place.
- `Content-Disposition` names the file in UTF-8 as well (`filename*=`).

An existing download that stops using common.downloads fails these checks too. Any module but
common/downloads.py building a file response fails `test_only_common_downloads_...`.

To add a download: make it with common.downloads and add it to DOWNLOADS, with the kwargs that
reverse it (and, for an XLSX, the cells that must be dates).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from common.downloads import (
    FHIR_JSON_CONTENT_TYPE,
    FORMULA_STARTS,
    HTML_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
)
from common.quarters import Quarter
from fidelity.dashboards.exports import PANELS
from fidelity.improvement.models import ActionStatus, ImprovementAction
from fidelity.returns.models import ActivityKind, IndicatorScore
from forums.services import action_add, good_practice_add
from reports.models import Report, ReportStatus
from reports.services import report_build, report_request
from tests.fidelity.factories import make_return
from tests.forums.factories import raise_challenge

from .conftest import SecurityWorld
from .matrix import ROLES
from .test_authorisation_matrix import EXPECTATIONS, Row

FORMULA = '=HYPERLINK("http://x","y")'
NEUTRALISED = "'" + FORMULA
APOSTROPHE = "Rochdale’s"
BOM = b"\xef\xbb\xbf"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
PDF_CONTENT_TYPE = "application/pdf"
# Content types that make a browser save a file rather than show a page.
FILE_CONTENT_TYPES = {
    "text/csv",
    XLSX_CONTENT_TYPE,
    "application/vnd.ms-excel",
    "application/pdf",
    "application/octet-stream",
    "application/zip",
}
# A date written as text, as ISO (2026-05-06) or as shown (6 May 2026).
DATE_AS_TEXT = re.compile(
    r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?|\d{1,2} [A-Z][a-z]{2} \d{4}"
)


# --- The world: a pilot with hostile text in every field a download shows -----------------------


@dataclass
class DownloadWorld:
    secure: SecurityWorld
    _report: Report | None = None

    def __getattr__(self, name):
        return getattr(self.secure, name)

    def built_report(self) -> Report:
        """The pilot's 2026-27 Q1 report, built for real (only for the tests that download it)."""
        if self._report is None:
            quarter = Quarter(2026, 1, self.pilot.quarter_convention)
            report = report_request(scope=self.pilot, quarter=quarter, user=self.manager)
            report_build(report_id=report.pk)
            report.refresh_from_db()
            assert report.status == ReportStatus.READY, report.error
            self._report = report
        return self._report


def _rename(obj, name: str) -> None:
    obj.name = name
    obj.save()


def _hostile_scores(qa_return) -> None:
    """Every indicator's evidence is a formula; the first is not assessed, for a formula reason."""
    scores = IndicatorScore.objects.filter(qa_return=qa_return)
    scores.update(evidence=FORMULA)
    scores.filter(pk=scores.order_by("pk").first().pk).update(
        score=None, not_assessed=True, not_assessed_reason=FORMULA
    )


@pytest.fixture
def download_world(secure_world) -> DownloadWorld:
    w = secure_world
    # Bolton's side is named with curly apostrophes, Bury's and Wigan's as formulas, so each
    # dashboard table (by team, LA, zone, organisation) holds both.
    _rename(w.pilot, f"{APOSTROPHE} pilot")
    _rename(w.bolton_team, f"Team {APOSTROPHE}")
    _rename(w.bolton, f"{APOSTROPHE} borough")
    _rename(w.bolton.zone, f"{APOSTROPHE} zone")
    _rename(w.bolton_team.organisation, f"{APOSTROPHE} Homes")
    _rename(w.wigan_team, FORMULA)
    _rename(w.bury, FORMULA)
    _rename(w.bury.zone, FORMULA)
    _rename(w.bury_team.organisation, FORMULA)
    make_return(w.wigan_team, 2026, 1)
    make_return(w.bury_team, 2026, 1)

    returned = w.submitted_return
    _hostile_scores(returned)
    _hostile_scores(w.draft_return)  # the spreadsheet template is filled in with the draft
    returned.activities.create(
        kind=ActivityKind.CASE_FILE_AUDIT, date=datetime.date(2026, 5, 6), count=4, finding=FORMULA
    )
    indicator = returned.scores.select_related("indicator__principle").first().indicator
    ImprovementAction.objects.create(
        qa_return=returned,
        team=w.bolton_team,
        indicator=indicator,
        principle_code=indicator.principle.code,
        what=FORMULA,
        owner=FORMULA,
        target_quarter_index=Quarter(2026, 2, w.pilot.quarter_convention).index,
        status=ActionStatus.IN_PROGRESS,
        update_note=FORMULA,
    )

    session = w.published_session
    challenge = raise_challenge(session, FORMULA, w.bolton)
    action_add(
        session=session,
        what=FORMULA,
        owner=FORMULA,
        due_date=datetime.date(2026, 10, 31),
        challenge=challenge,
    )
    good_practice_add(
        session=session,
        text=FORMULA,
        principle_code=session.principle_code,
        organisation=w.bolton_team.organisation,
    )
    return DownloadWorld(secure=w)


# --- The declared downloads ---------------------------------------------------------------------


def _return_dates(sheet: Worksheet) -> list[Cell]:
    """The return's deadline and each QA activity's date."""
    rows = list(sheet.iter_rows(min_row=2))
    deadline = [row[3] for row in rows if row[2].value == "Deadline"]
    activities = [row[1] for row in rows if row[0].value == "QA activity"]
    assert len(deadline) == 1 and activities
    return deadline + activities


def _columns(*headers: str) -> Callable[[Worksheet], list[Cell]]:
    def cells(sheet: Worksheet) -> list[Cell]:
        names = [cell.value for cell in sheet[1]]
        found = [row[names.index(h)] for h in headers for row in sheet.iter_rows(min_row=2)]
        assert found, "the table has no rows"
        return found

    return cells


@dataclass(frozen=True)
class Download:
    id: str
    name: str
    kwargs: Callable[[DownloadWorld], dict] = lambda w: {}
    # Shows text typed into the pilot: so it must hold the neutralised formula and a curly
    # apostrophe intact.
    shows_typed_text: bool = False
    # XLSX: the cells that must be date cells, and the row of the bold, frozen header.
    date_cells: Callable[[Worksheet], list[Cell]] | None = None
    header_row: int = 1


PANELS_WITH_NAMES = {"status", "heatmap-la", "heatmap-zone", "heatmap-organisation"}

DOWNLOADS: list[Download] = [
    *(
        Download(
            f"return-{fmt}",
            "fidelity:return_export",
            lambda w, fmt=fmt: {"pk": w.submitted_return.pk, "fmt": fmt},
            shows_typed_text=True,
            date_cells=_return_dates,
        )
        for fmt in ("csv", "xlsx")
    ),
    Download(
        "return-fhir",
        "fidelity:return_export",
        lambda w: {"pk": w.submitted_return.pk, "fmt": "fhir.json"},
        shows_typed_text=True,
    ),
    Download(
        "returns-bundle-fhir",
        "fidelity:returns_bundle",
        lambda w: {"quarter": w.submitted_return.quarter_value.slug},
        shows_typed_text=True,
    ),
    *(
        Download(
            f"dashboard-{panel}-{fmt}",
            "fidelity:dashboard_export",
            lambda w, panel=panel, fmt=fmt: {"panel": panel, "fmt": fmt},
            shows_typed_text=panel in PANELS_WITH_NAMES,
        )
        for panel in PANELS
        for fmt in ("csv", "xlsx")
    ),
    *(
        Download(
            f"improvement-{fmt}",
            "fidelity:improvement_export",
            lambda w, fmt=fmt: {"fmt": fmt},
            shows_typed_text=True,
            date_cells=_columns("Target quarter ends", "Last updated"),
        )
        for fmt in ("csv", "xlsx")
    ),
    Download(
        "spreadsheet-template",
        "fidelity:spreadsheet_template",
        lambda w: {"team_pk": w.bolton_team.pk, "quarter": w.draft_return.quarter_value.slug},
        shows_typed_text=True,
        header_row=5,  # under the title and instructions
    ),
    Download("forum-summary-csv", "forums:summary_csv", shows_typed_text=True),
    Download("forum-summary-pdf", "forums:summary_pdf"),
    Download("report", "reports:download", lambda w: {"pk": w.built_report().pk}),
    Download(
        "report-version",
        "reports:download_version",
        lambda w: {
            "pk": w.built_report().pk,
            "number": w.built_report().current_version.number,
        },
    ),
    *(
        Download(
            f"handbook-{fmt}",
            f"reports:handbook_{fmt}",
            lambda w: {"pk": w.handbook.pk, "number": 1},
        )
        for fmt in ("pdf", "html")
    ),
    Download("handbook-public-pdf", "handbook:public_pdf", lambda w: {"pilot_slug": w.pilot.slug}),
]


# --- Reading a response -------------------------------------------------------------------------


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _is_download(response) -> bool:
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    return response.has_header("Content-Disposition") or content_type in FILE_CONTENT_TYPES


def _body(response) -> bytes:
    if response.streaming:
        # Reading it to the end closes it inside the test client, which keeps the database
        # connection of the test's transaction open; response.close() here would not.
        return b"".join(response.streaming_content)
    return response.content


def _runs_as_formula(text: str) -> bool:
    """Text a spreadsheet would run as a formula; a negative number (-0.50) is just a number."""
    if not text.startswith(FORMULA_STARTS):
        return False
    try:
        float(text)
    except ValueError:
        return True
    return False


def _filename(response) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert "filename*=utf-8''" in disposition
    return unquote(disposition.split("filename*=utf-8''", 1)[1])


def _check_texts(download: Download, texts: list[str]) -> None:
    raw = [text for text in texts if _runs_as_formula(text)]
    assert raw == [], "text a spreadsheet would run as a formula"
    if download.shows_typed_text:
        assert NEUTRALISED in texts
        assert any(APOSTROPHE in text for text in texts)


def _check_csv(download: Download, response, body: bytes) -> None:
    assert response["Content-Type"] == CSV_CONTENT_TYPE
    assert body.startswith(BOM)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    _check_texts(download, [cell for row in rows for cell in row])


def _check_xlsx(download: Download, response, body: bytes) -> None:
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    workbook = load_workbook(io.BytesIO(body))
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = [c.value for c in cells if isinstance(c.value, str)]
    _check_texts(download, texts)
    assert [t for t in texts if DATE_AS_TEXT.fullmatch(t)] == [], "dates written as text"
    sheet = workbook.worksheets[0]
    header = [cell for cell in sheet[download.header_row] if cell.value is not None]
    assert header and all(cell.font.bold for cell in header)
    assert sheet.freeze_panes == f"A{download.header_row + 1}"
    if download.date_cells:
        for cell in download.date_cells(sheet):
            assert cell.is_date and isinstance(cell.value, datetime.datetime), cell.coordinate
            assert cell.number_format == "d mmm yyyy", cell.coordinate


def _check_json(download: Download, response, body: bytes) -> None:
    """JSON is not a spreadsheet: typed text comes back exactly as typed, formula or not."""
    assert response["Content-Type"] == FHIR_JSON_CONTENT_TYPE
    texts = []

    def collect(value) -> None:
        if isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, str):
            texts.append(value)

    collect(json.loads(body))
    if download.shows_typed_text:
        assert FORMULA in texts
        assert any(APOSTROPHE in text for text in texts)


def _check_pdf(response, body: bytes) -> None:
    assert response["Content-Type"] == PDF_CONTENT_TYPE
    assert body.startswith(b"%PDF")


# --- The tests ----------------------------------------------------------------------------------


def _url_patterns(resolver: URLResolver | None = None, namespace: str = ""):
    """(name with namespace, or None; route) for every URL pattern but the admin site's, which is
    Django's own and serves no files."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            for name, route in _url_patterns(pattern, inner):
                yield name, f"{pattern.pattern}{route}"
        elif isinstance(pattern, URLPattern):
            yield (namespace + pattern.name if pattern.name else None), str(pattern.pattern)


def _who_may_open(row: Row) -> str | None:
    if row.expected["manager"] == 200:
        return "manager"
    return next((role for role in ROLES if row.expected[role] == 200), None)


def test_every_file_the_app_serves_is_a_declared_download(download_world):
    users = download_world.users()
    clients = {role: _client(user) for role, user in users.items()}
    served = set()
    for name, route in _url_patterns():
        assert name, f"/{route} has no name, so it cannot be reversed and checked"
        row = EXPECTATIONS[name]  # the authorisation matrix has a row for every URL
        role = _who_may_open(row)
        if row.method != "GET" or role is None:
            continue
        response = clients[role].get(reverse(name, kwargs=row.own(download_world)))
        if _is_download(response):
            served.add(name)
        _body(response)
    declared = {download.name for download in DOWNLOADS}
    assert sorted(served - declared) == [], "files served by URLs missing from DOWNLOADS"
    assert sorted(declared - served) == [], "DOWNLOADS names a URL that serves no file"


@pytest.mark.parametrize("download", DOWNLOADS, ids=lambda d: d.id)
def test_each_download_is_made_by_the_shared_module(download_world, download):
    url = reverse(download.name, kwargs=download.kwargs(download_world))
    response = _client(download_world.manager).get(url)
    assert response.status_code == 200
    filename = _filename(response)
    body = _body(response)
    extension = filename.rsplit(".", 1)[-1]
    if extension == "csv":
        _check_csv(download, response, body)
    elif extension == "xlsx":
        _check_xlsx(download, response, body)
    elif extension == "json":
        _check_json(download, response, body)
    elif extension == "html":
        assert response["Content-Type"] == HTML_CONTENT_TYPE
    else:
        assert extension == "pdf", filename
        _check_pdf(response, body)


# Building a file response, or a second list of the characters that start a formula.
BYPASSES = re.compile(
    r"Content-Disposition|FileResponse|StreamingHttpResponse|text/csv|application/pdf"
    r"|spreadsheetml|[\"']=[\"']\s*,\s*[\"']\+[\"']"
)


def test_only_common_downloads_builds_a_file_response():
    base = Path(settings.BASE_DIR).resolve()
    # The project's own packages (installed libraries under .venv are not ours to check).
    roots = {base / "config", base / "common"} | {
        Path(config.path).resolve()
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base)
        and not Path(config.path).resolve().is_relative_to(base / ".venv")
    }
    shared = base / "common" / "downloads.py"
    # Builds hostile workbooks for the upload tests and the bench: it names a part's content
    # type inside the file it writes, and serves nothing.
    workbook_parts = base / "ops" / "hostile_workbooks.py"
    found = [
        f"{path.relative_to(base)}:{number}: {line.strip()}"
        for root in sorted(roots)
        for path in sorted(root.rglob("*.py"))
        if path not in (shared, workbook_parts)
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if BYPASSES.search(line)
    ]
    assert found == []
