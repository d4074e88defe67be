"""What an open data pack holds, read from the dashboard's own selectors, and the packs published.

Every figure comes from `fidelity.dashboards` (docs/figures.md): the pilot dashboard's headline
and heat maps by local authority and zone for scores and completeness, `caseload_summary` and
`data_quality` for the caseload counts and unknown outcomes of each area. Nothing here decides
which returns count; this module only arranges the figures and withholds small counts
(`suppression.py`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max
from django.http import Http404

from common.quarters import Quarter
from fidelity.dashboards.caseload import caseload_summary, data_quality
from fidelity.dashboards.figures import (
    WHOLE_PILOT,
    Completeness,
    Scope,
    ScoreCell,
    counted_returns,
    default_quarter,
    framework_info,
)
from fidelity.dashboards.groups import teams_in_scope
from fidelity.dashboards.selectors import pilot_dashboard
from fidelity.opendata import suppression
from fidelity.opendata.models import OpenDataPack
from partners.models import Pilot

PILOT, ZONE, LOCAL_AUTHORITY = "pilot", "zone", "local_authority"
AREA_TYPES = (PILOT, ZONE, LOCAL_AUTHORITY)

# Markers, in the JSON and beside the CSV's value; the CSV writes the symbol in the value column.
WITHHELD, NOT_AVAILABLE = "c", "x"
SYMBOLS = {
    WITHHELD: "[c] confidential: withheld so that no person can be identified",
    NOT_AVAILABLE: "[x] not available: no counted return, or no score",
}

FIGURES_DOC = "docs/figures.md"
OPEN_DATA_DOC = "docs/open-data.md"


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit: str
    kind: str  # "score", "teams", "count" or "share"
    definition: str


_COUNTS = [
    Measure(
        "people_supported",
        "People supported at quarter end",
        "people",
        "count",
        "Sum of people supported at the quarter's end over the counted returns of the area's "
        "teams, each return once.",
    ),
    Measure(
        "new_referrals",
        "New referrals",
        "people",
        "count",
        "Sum of new referrals in the quarter over the counted returns.",
    ),
    Measure(
        "people_housed",
        "People housed",
        "people",
        "count",
        "Sum of people housed in the quarter over the counted returns.",
    ),
    Measure(
        "tenancies_sustained",
        "Tenancies sustained",
        "tenancies",
        "count",
        "Sum of tenancies sustained over the counted returns.",
    ),
    Measure(
        "tenancies_ended",
        "Tenancies ended",
        "tenancies",
        "count",
        "Sum of tenancies ended in the quarter, for any reason, over the counted returns.",
    ),
    Measure(
        "tenancies_ended_unknown",
        "Tenancies ended for an unknown reason",
        "tenancies",
        "count",
        "Sum of tenancies ended for a reason the team does not know, over the counted returns.",
    ),
]
COUNT_KEYS = [m.key for m in _COUNTS]

_COMPLETENESS = [
    Measure(
        "teams_counted",
        "Teams with a counted return",
        "teams",
        "teams",
        "Teams of the area whose return for the quarter is submitted or approved.",
    ),
    Measure(
        "teams_expected",
        "Teams expected",
        "teams",
        "teams",
        "Active teams of the area expected in the quarter, and any other team whose return counts.",
    ),
    Measure(
        "returns_provisional",
        "Provisional returns",
        "teams",
        "teams",
        "Counted returns submitted but not yet approved (provisional).",
    ),
]

_SHARE = Measure(
    "unknown_outcome_share",
    "Unknown outcomes (share of tenancies ended)",
    "percent",
    "share",
    "Tenancies ended for an unknown reason as a percentage of tenancies ended, two decimal "
    "places; withheld when either count is withheld.",
)


def measures_for(sections: list[tuple[str, str]]) -> list[Measure]:
    """Every measure of a pack, in order, for a framework's (code, title) sections."""
    scores = [
        Measure(
            "score_overall",
            "Overall score",
            "mean score (1 to 4)",
            "score",
            "Mean of the area's section scores; not a count of people, never withheld.",
        ),
        *(
            Measure(
                f"score_{code}",
                f"{code} {title}",
                "mean score (1 to 4)",
                "score",
                f"Mean over the area's teams of their score for section {code}, each team "
                "once; not a count of people, never withheld.",
            )
            for code, title in sections
        ),
    ]
    return [*scores, *_COMPLETENESS, *_COUNTS, _SHARE]


@dataclass(frozen=True)
class PreviewCell:
    """A cell as the manager sees it before publishing: the true value and whether (and why)
    it will be withheld."""

    value: object
    withheld: str  # "", suppression.PRIMARY or suppression.SECONDARY


@dataclass(frozen=True)
class PackPreview:
    content: dict
    measures: list[Measure]
    areas: list[dict]
    cells: dict[tuple[str, str], PreviewCell]

    def table(self) -> list[tuple[dict, list[PreviewCell]]]:
        return [
            (area, [self.cells[(area["key"], m.key)] for m in self.measures]) for area in self.areas
        ]

    @property
    def withheld(self) -> int:
        return sum(1 for c in self.cells.values() if c.withheld)


def _number(value) -> float | int | None:
    """Scores and shares as JSON numbers (two decimal places survive a float exactly)."""
    if isinstance(value, Decimal):
        return float(value)
    return value


def _score_values(overall: ScoreCell, cells, completeness: Completeness) -> dict:
    values = {"score_overall": overall.score}
    values.update({f"score_{c.code}": c.cell.score for c in cells})
    values.update(
        teams_counted=completeness.counted,
        teams_expected=completeness.expected,
        returns_provisional=completeness.provisional,
    )
    return values


def open_data_pack_preview(*, pilot: Pilot, quarter: Quarter, threshold: int) -> PackPreview:
    """The pack for `pilot` and `quarter`: the published content, and what the manager sees."""
    framework = framework_info(pilot=pilot)
    board = pilot_dashboard(pilot=pilot, quarter=quarter, heatmaps=("la", "zone"))
    teams = teams_in_scope(pilot=pilot, scope=WHOLE_PILOT)
    counted = set(
        counted_returns(pilot=pilot)
        .filter(quarter_index=quarter.index)
        .values_list("team_id", flat=True)
    )
    measures = measures_for([(p.code, p.title) for p in framework.principles])
    zones = {g.pk: g for g in teams.groups("zone")}
    las = {g.pk: g for g in teams.groups("la")}
    zone_of_la = {row.la: row.zone for row in teams.rows if row.la is not None}

    areas = [
        {
            "key": PILOT,
            "type": PILOT,
            "code": "",
            "name": pilot.name,
            "zone": "",
            "scope": WHOLE_PILOT,
            "contributors": frozenset(counted),
            "scores": _score_values(
                board.headline.overall, board.headline.principles, board.headline.completeness
            ),
        }
    ]
    for by, kind, groups in (("zone", ZONE, zones), ("la", LOCAL_AUTHORITY, las)):
        for row in board.heatmaps[by].rows:
            group = groups[row.pk]
            areas.append(
                {
                    "key": f"{by}:{row.pk}",
                    "type": kind,
                    "code": row.gss_code,
                    "name": row.name,
                    "zone": row.parent or "",
                    "scope": Scope(zones=(row.pk,))
                    if kind == ZONE
                    else Scope(local_authorities=(row.pk,)),
                    "contributors": frozenset(group.teams) & counted,
                    "scores": _score_values(row.overall, row.cells, row.completeness),
                }
            )

    raw: dict[tuple[str, str], object] = {}
    for area in areas:
        caseload = caseload_summary(
            pilot=pilot, quarter=quarter, scope=area["scope"], framework=framework
        )
        quality = data_quality(pilot=pilot, quarter=quarter, scope=area["scope"])
        values = {
            **area["scores"],
            "people_supported": caseload.people_supported,
            "new_referrals": caseload.new_referrals,
            "people_housed": caseload.people_housed,
            "tenancies_sustained": caseload.tenancies_sustained,
            "tenancies_ended": quality.tenancies_ended,
            "tenancies_ended_unknown": quality.ended_unknown,
            "unknown_outcome_share": quality.unknown_share,
        }
        for m in measures:
            raw[(area["key"], m.key)] = values.get(m.key)

    hidden = _withheld(areas, zone_of_la, raw, threshold)
    cells = {}
    share_parts = ("tenancies_ended", "tenancies_ended_unknown")
    for (area_key, measure), value in raw.items():
        reason = hidden.get((area_key, measure), "")
        if measure == _SHARE.key and any((area_key, part) in hidden for part in share_parts):
            reason = reason or suppression.SECONDARY
        cells[(area_key, measure)] = PreviewCell(value=value, withheld=reason)

    public_areas = [{k: area[k] for k in ("key", "type", "code", "name", "zone")} for area in areas]
    content = {
        "pilot": {"name": pilot.name, "slug": pilot.slug},
        "quarter": {
            "year": quarter.year,
            "number": quarter.number,
            "label": quarter.label,
            "slug": quarter.slug,
            "start": quarter.start.isoformat(),
            "end": quarter.end.isoformat(),
        },
        "threshold": threshold,
        "measures": [
            {
                "key": m.key,
                "label": m.label,
                "unit": m.unit,
                "kind": m.kind,
                "definition": m.definition,
            }
            for m in measures
        ],
        "areas": public_areas,
        "rows": [
            _published_row(area["key"], m.key, cells[(area["key"], m.key)])
            for area in public_areas
            for m in measures
        ],
    }
    return PackPreview(content=content, measures=measures, areas=public_areas, cells=cells)


def _published_row(area: str, measure: str, cell: PreviewCell) -> dict:
    if cell.withheld:
        return {"area": area, "measure": measure, "value": None, "marker": WITHHELD}
    if cell.value is None:
        return {"area": area, "measure": measure, "value": None, "marker": NOT_AVAILABLE}
    return {"area": area, "measure": measure, "value": _number(cell.value), "marker": ""}


def _withheld(
    areas: list[dict], zone_of_la: dict[int, int], raw: dict, threshold: int
) -> dict[tuple[str, str], str]:
    """The count cells to withhold. Each measure's cells are sums over its own contributors
    (team, measure), so measures never combine; LAs add up to their zone, and zones to the
    pilot, only where `suppression.relations_that_hold` finds they do."""
    counts = {}
    for area in areas:
        for key in COUNT_KEYS:
            counts[(area["key"], key)] = suppression.Count(
                value=raw[(area["key"], key)] or 0,
                contributors=frozenset((team, key) for team in area["contributors"]),
            )
    zone_keys = [a["key"] for a in areas if a["type"] == ZONE]
    la_keys = [a["key"] for a in areas if a["type"] == LOCAL_AUTHORITY]
    candidates = []
    for key in COUNT_KEYS:
        for zone in zone_keys:
            pk = int(zone.split(":")[1])
            parts = tuple(
                (la, key) for la in la_keys if zone_of_la.get(int(la.split(":")[1])) == pk
            )
            candidates.append(suppression.Relation(total=(zone, key), parts=parts))
        candidates.append(
            suppression.Relation(total=(PILOT, key), parts=tuple((z, key) for z in zone_keys))
        )
        candidates.append(
            suppression.Relation(total=(PILOT, key), parts=tuple((la, key) for la in la_keys))
        )
    return suppression.suppress(counts=counts, relations=candidates, threshold=threshold)


def open_data_pack_content(*, pilot: Pilot, quarter: Quarter, threshold: int) -> dict:
    """The pack's content as published: withheld and missing values empty, with markers."""
    return open_data_pack_preview(pilot=pilot, quarter=quarter, threshold=threshold).content


def content_fingerprint(content: dict) -> str:
    """The same figures give the same fingerprint, whatever the dict's order."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


# --- Published packs ---------------------------------------------------------------------------


def published_packs(*, pilot: Pilot) -> list[OpenDataPack]:
    """The latest version of each quarter's pack of `pilot`, newest quarter first."""
    latest = (
        OpenDataPack.objects.filter(pilot=pilot)
        .values("quarter_index")
        .annotate(version=Max("version"))
        .order_by()
    )
    wanted = {(r["quarter_index"], r["version"]) for r in latest}
    packs = (
        OpenDataPack.objects.filter(pilot=pilot).select_related("pilot").order_by("-quarter_index")
    )
    return [p for p in packs if (p.quarter_index, p.version) in wanted]


def every_published_pack() -> list[OpenDataPack]:
    """Every version of every pilot's packs, newest first: the public list."""
    return list(
        OpenDataPack.objects.select_related("pilot")
        .order_by("-published_at", "-pk")
        .defer("content", "csv_text", "json_text", "readme_text")
    )


def pack_versions(*, pack: OpenDataPack) -> list[OpenDataPack]:
    """The versions of a pack's quarter up to and including it, oldest first."""
    return list(
        OpenDataPack.objects.filter(
            pilot_id=pack.pilot_id, quarter_index=pack.quarter_index, version__lte=pack.version
        )
        .order_by("version")
        .only("version", "published_at", "corrects", "pilot_id", "quarter_index")
    )


_LARGEST_VERSION = 32767


def published_pack(*, pilot_slug: str, quarter_slug: str, version: int) -> OpenDataPack:
    """The pack a public address names; 404 for anything else."""
    try:
        quarter = Quarter.from_slug(quarter_slug)
    except ValueError:
        raise Http404("No such quarter.") from None
    if not 0 < version <= _LARGEST_VERSION:
        raise Http404("No such version.")
    pack = (
        OpenDataPack.objects.select_related("pilot")
        .filter(pilot__slug=pilot_slug, quarter_index=quarter.index, version=version)
        .first()
    )
    if pack is None:
        raise Http404("No such pack.")
    return pack


def latest_pack(*, pilot: Pilot, quarter: Quarter) -> OpenDataPack | None:
    return (
        OpenDataPack.objects.filter(pilot=pilot, quarter_index=quarter.index)
        .order_by("-version")
        .first()
    )


def publishable_quarters(*, pilot: Pilot) -> tuple[Quarter, list[Quarter]]:
    """The dashboard's default quarter (the latest past its deadline) and the quarters a pack
    may be published for, newest first: that one and the eleven before it."""
    default = default_quarter(pilot=pilot)
    return default, list(reversed(default.back(12)))


# The figures a pack's summary table shows (its page, the handbook's appendix); the files have all.
SUMMARY_KEYS = [
    "score_overall",
    "teams_counted",
    "teams_expected",
    "people_supported",
    "new_referrals",
    "people_housed",
    "tenancies_sustained",
    "tenancies_ended",
    "unknown_outcome_share",
]


def published_table(*, content: dict, keys: list[str]) -> tuple[list[str], list[dict]]:
    """A published pack's figures for some measures, as the pack shows them: the column labels,
    and per area its name, code, type and one text per measure (the value, or [c] or [x])."""
    labels = {m["key"]: m["label"] for m in content["measures"]}
    keys = [k for k in keys if k in labels]
    cells = {(r["area"], r["measure"]): r for r in content["rows"]}

    def text(row: dict) -> str:
        if row["marker"]:
            return f"[{row['marker']}]"
        value = row["value"]
        return f"{value:,}" if isinstance(value, int) else f"{value:.2f}"

    rows = [
        {
            "name": area["name"],
            "code": area["code"],
            "type": area["type"],
            "values": [text(cells[(area["key"], key)]) for key in keys],
        }
        for area in content["areas"]
    ]
    return [labels[k] for k in keys], rows
