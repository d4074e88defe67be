"""Reads for returns filled in as spreadsheets: which quarters and teams a spreadsheet may be for,
and what a file must match to be read as one team's return.

The views ask these and render; the writes that use them are in `spreadsheets.services`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from common.quarters import Quarter
from fidelity.frameworks.models import FrameworkVersion, Indicator
from fidelity.frameworks.selectors import current_framework_version
from fidelity.measures.selectors import pilot_measures
from fidelity.measures.validation import measure_key
from fidelity.returns.models import CASELOAD_FIELDS, QAReturn
from fidelity.returns.selectors import quarter_of_today
from fidelity.spreadsheets import reading, workbook
from partners import access
from partners.models import Pilot, Team, User

# How far back a pilot manager may download templates for past quarters.
PAST_QUARTERS = 12


def existing_return(*, team: Team, quarter: Quarter) -> QAReturn | None:
    return QAReturn.objects.filter(team=team, year=quarter.year, quarter=quarter.number).first()


def template_spec(
    *, team: Team, quarter: Quarter, version: FrameworkVersion
) -> workbook.TemplateSpec:
    indicators = Indicator.objects.filter(principle__version=version).select_related("principle")
    measures = {measure_key(m.pk): m for m in pilot_measures(pilot_id=team.organisation.pilot_id)}
    return workbook.TemplateSpec(
        team_id=team.pk,
        team_name=team.name,
        quarter_slug=quarter.slug,
        quarter_label=quarter.label,
        framework_version_id=version.pk,
        framework_label=str(version),
        indicators=[
            workbook.IndicatorSpec(
                id=i.pk,
                code=i.code,
                text=i.text,
                principle_code=i.principle.code,
                principle_title=i.principle.title,
            )
            for i in indicators.order_by("principle__position", "position")
        ],
        scale=list(version.scale.values_list("value", "label")),
        figures=[
            *((name, str(QAReturn._meta.get_field(name).verbose_name)) for name in CASELOAD_FIELDS),
            *((key, m.name) for key, m in measures.items()),
        ],
        measures=measures,
    )


def spreadsheet_quarter(*, pilot: Pilot, slug: str) -> Quarter | None:
    """The quarter `slug` names, if a spreadsheet may be for it: this quarter or an earlier one."""
    try:
        quarter = Quarter.from_slug(slug, pilot.quarter_convention)
    except ValueError:
        return None
    if quarter.index > quarter_of_today(pilot=pilot).index:
        return None
    return quarter


@dataclass(frozen=True)
class SpreadsheetReturn:
    """A return a team leader may fill in as a spreadsheet, and its draft so far (if any)."""

    team: Team
    quarter: Quarter
    qa_return: QAReturn | None


def spreadsheet_returns_for(*, user: User) -> list[SpreadsheetReturn]:
    """For each team the person leads: this quarter, then every earlier return still open to
    changes (a draft, or one sent back), newest first."""
    items = []
    teams = access.teams_editable_by(user=user).select_related("organisation__pilot")
    for team in teams:
        current = quarter_of_today(pilot=team.organisation.pilot)
        items.append(
            SpreadsheetReturn(
                team=team, quarter=current, qa_return=existing_return(team=team, quarter=current)
            )
        )
        for qa_return in QAReturn.objects.filter(team=team).order_by("-quarter_index"):
            if qa_return.is_editable and qa_return.quarter_index != current.index:
                items.append(
                    SpreadsheetReturn(
                        team=team, quarter=qa_return.quarter_value, qa_return=qa_return
                    )
                )
    return items


def upload_spec(*, team: Team, quarter: Quarter) -> workbook.TemplateSpec:
    """What a team leader's file must match: the draft's framework version, or the pilot's
    current one when there is no draft yet."""
    qa_return = existing_return(team=team, quarter=quarter)
    version = (
        qa_return.framework_version
        if qa_return
        else current_framework_version(pilot=team.organisation.pilot)
    )
    return template_spec(team=team, quarter=quarter, version=version)


def uploaded_return(
    *, spec: workbook.TemplateSpec, data: bytes, name: str
) -> tuple[workbook.ParsedReturn | None, list[workbook.CellProblem]]:
    """A team leader's file read cell by cell, if it is the template `spec` describes: (the
    return it holds, or None if it cannot be read; every problem found)."""
    try:
        book = reading.open_workbook(data, name=name)
        about = workbook.read_about(book)
    except workbook.SpreadsheetError as error:
        return None, error.problems
    problems = workbook.check_matches(about, spec)
    if problems:
        return None, problems
    parsed = workbook.parse_return(book, spec)
    return parsed, parsed.problems


def past_quarters(*, pilot: Pilot) -> list[Quarter]:
    """The past quarters a manager may download templates for, oldest first."""
    return quarter_of_today(pilot=pilot).previous().back(PAST_QUARTERS)[::-1]


def past_template_teams(*, pilot: Pilot) -> QuerySet[Team]:
    """The teams a manager may download past quarters' templates for: all of the pilot's."""
    return Team.objects.filter(organisation__pilot=pilot).order_by("name")


def past_template_for(*, pilot: Pilot, team_pk: str, quarter_slug: str) -> tuple[Team, Quarter]:
    """The pilot's team and past quarter a manager asked a template for. Raises LookupError
    when either is not one of the choices."""
    teams = past_template_teams(pilot=pilot)
    team = teams.filter(pk=team_pk).first() if team_pk.isdigit() else None
    quarter = next((q for q in past_quarters(pilot=pilot) if q.slug == quarter_slug), None)
    if team is None or quarter is None:
        raise LookupError(team_pk, quarter_slug)
    return team, quarter
