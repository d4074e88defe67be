"""What a pilot's legacy handbook says, as a plain JSON-safe dict.

By section of the pilot's current framework: how its score moved over the period, the forum
challenges that kept coming back and where, the good practice recorded, the improvement actions
teams completed and what they changed, and what peer reviewers saw; with the manager's own
foreword and lessons, and the framework and open data as appendices.

Every figure comes from the one home of its rule: scores, bands and completeness from the
dashboard's figures (fidelity/dashboards/figures.py and groups.py, through the crosswalk where
the framework changed), forum notes from published sessions only (forums/selectors.py, the same
texts as the challenge summary), actions and peer reviews from their apps' selectors. Scores are
strings ("3.25") or None, as in the quarterly report's content, so the fingerprint is stable.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from common.quarters import Quarter
from fidelity.dashboards import groups
from fidelity.dashboards.figures import (
    WHOLE_PILOT,
    Facts,
    FrameworkInfo,
    counted_returns,
    facts,
    framework_info,
    principle_trends,
)
from fidelity.frameworks import scoring
from fidelity.frameworks.models import FrameworkVersion
from fidelity.frameworks.selectors import current_framework_version
from fidelity.improvement.selectors import improvement_actions_completed
from fidelity.opendata.selectors import SUMMARY_KEYS, published_packs, published_table
from fidelity.peer_review import gaps
from fidelity.peer_review.selectors import peer_gaps, peer_reviews_submitted
from fidelity.returns.models import ReturnStatus
from forums import privacy
from forums.models import ForumSession, SessionStatus
from forums.selectors import challenges_for_principles, published_good_practice
from partners.models import LocalAuthority, Pilot, Team
from reports.content import _text, scale_kept
from reports.content import fingerprint as fingerprint

NO_OPEN_DATA = "No open data pack was published for this period."


def paragraphs(text: str) -> list[str]:
    """The manager's words as paragraphs: split at blank lines, each trimmed, none empty."""
    blocks, current = [], []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def _band(framework: FrameworkInfo, score: Decimal | None) -> dict:
    cell = framework.cell(score)
    return {"score": _text(cell.score), "band": cell.band, "band_name": cell.band_name}


def _bands(framework: FrameworkInfo) -> list[dict]:
    """The bands, highest first, each with how it reads: "Good from 3.00", the lowest "Low below
    2.50"."""
    legend = framework.legend()
    return [
        {
            "slug": slug,
            "name": name,
            "minimum": str(minimum),
            "text": (
                f"{name} below {legend[n - 1][2]}"
                if n and n == len(legend) - 1
                else f"{name} from {minimum}"
            ),
        }
        for n, (slug, name, minimum) in enumerate(legend)
    ]


def _journey(pilot: Pilot, first: Quarter, last: Quarter, framework: FrameworkInfo) -> dict:
    """The pilot's overall and section scores in each quarter of the period, as the dashboard's
    trends have them, with band and completeness."""
    trends = principle_trends(
        pilot=pilot, quarter=last, quarters=last.index - first.index + 1, framework=framework
    )
    labels = [q.label for q in trends.quarters]
    completeness = [str(c) for c in trends.completeness]

    def points(values: Iterable[Decimal | None]) -> list[dict]:
        return [
            {"quarter": label, **_band(framework, value), "completeness": counted}
            for label, value, counted in zip(labels, values, completeness, strict=True)
        ]

    return {
        "quarters": labels,
        "overall": points(trends.overall),
        "sections": {s.code: points(s.points) for s in trends.series},
        "framework_changes": [
            {"position": c.position, "quarter": c.quarter.label, "version": c.version}
            for c in trends.changes
        ],
        "scale": trends.scale,
    }


def _first_and_last(points: list[dict]) -> dict:
    """The first and last quarters with a score, and the change between them."""
    scored = [p for p in points if p["score"] is not None]
    if not scored:
        return {"from": None, "to": None, "change": None}
    start, end = scored[0], scored[-1]
    change = scoring.change(Decimal(end["score"]), Decimal(start["score"]))
    return {
        "from": start,
        "to": end,
        "change": None if len(scored) < 2 else (f"+{change}" if change > 0 else str(change)),
    }


def _las_at_end(pilot: Pilot, last: Quarter, framework: FrameworkInfo) -> dict[str, dict]:
    """Per section: the local authorities scoring highest and lowest in the last quarter (ties
    together), from the dashboard's heat map by local authority."""
    heatmap = groups.heatmap(pilot=pilot, quarter=last, by="la", framework=framework)
    result = {}
    for position, ref in enumerate(heatmap.principles):
        scored = [
            (row.cells[position].cell.score, row.name)
            for row in heatmap.rows
            if row.cells[position].cell.score is not None
        ]
        if len(scored) < 2:
            result[ref.code] = {"highest": [], "lowest": [], "score_high": None, "score_low": None}
            continue
        high, low = max(s for s, _ in scored), min(s for s, _ in scored)
        result[ref.code] = {
            "highest": sorted(name for s, name in scored if s == high),
            # Every authority scoring the same is said once, as the highest.
            "lowest": sorted(name for s, name in scored if s == low) if low < high else [],
            "score_high": str(high),
            "score_low": str(low),
        }
    return result


def _quarter_of(day: datetime.date, pilot: Pilot) -> str:
    return Quarter.containing(day, pilot.quarter_convention).label


def _challenges(pilot: Pilot, codes: list[str], first: Quarter, last: Quarter) -> dict[str, dict]:
    """Per section: the published challenges raised in more than one session or by more than
    one local authority (the forums' "not just our area"), and those raised once."""
    items = challenges_for_principles(
        pilot=pilot, principle_codes=codes, date_from=first.start, date_to=last.end
    )
    result = {}
    for code in codes:
        recurring, once = [], []
        for item in items[code]:
            dates = sorted({c.session.date for c in item.challenges})
            row = {
                "text": item.title,
                "local_authorities": item.local_authorities,
                "organisations": item.organisations,
                "themes": item.themes,
                "sessions": item.sessions_count,
                "quarters": list(dict.fromkeys(_quarter_of(d, pilot) for d in dates)),
                "actions": [
                    {"what": a.what, "owner": a.owner, "status": a.status_label}
                    for a in item.actions
                ],
            }
            (recurring if item.is_cross_la else once).append(row)
        result[code] = {"recurring": recurring, "once": once}
    return result


def _good_practice(pilot: Pilot, first: Quarter, last: Quarter) -> dict[str, list[dict]]:
    result: dict[str, list[dict]] = {}
    for example in published_good_practice(pilot=pilot, date_from=first.start, date_to=last.end):
        result.setdefault(example.principle_code, []).append(
            {
                "text": example.text,
                "organisation": example.organisation.name if example.organisation else None,
                "quarter": _quarter_of(example.session.date, pilot),
            }
        )
    return result


def _latest_team_score(
    found: Facts, team: int, code: str, from_index: int, last: Quarter
) -> tuple[Decimal | None, Quarter | None]:
    """The team's section score in the latest quarter of the period it has one, from
    `from_index` on."""
    for index in range(last.index, from_index - 1, -1):
        score = found.principle((team,), index, code)
        if score is not None:
            return score, Quarter.from_index(index, last.convention)
    return None, None


def _actions_done(
    pilot: Pilot, first: Quarter, last: Quarter, framework: FrameworkInfo
) -> dict[str, list[dict]]:
    """Per section: the improvement actions completed and what the teams said changed, the
    same words from several teams said once; with the teams' section score in the quarter each
    action was raised and in the team's latest quarter of the period after it (means over the
    actions when several teams took the same one)."""
    actions = list(
        improvement_actions_completed(pilot=pilot, first_index=first.index, last_index=last.index)
    )
    if not actions:
        return {}
    found = facts(
        pilot=pilot,
        scope=WHOLE_PILOT,
        indexes=list(range(first.index, last.index + 1)),
        framework=framework,
    )
    grouped: dict[str, dict[tuple[str, str], list]] = {}
    for action in actions:
        code = framework.code_for(action.indicator.principle_id, action.principle_code)
        if code is not None:
            key = (action.what.strip(), action.update_note.strip())
            grouped.setdefault(code, {}).setdefault(key, []).append(action)
    result: dict[str, list[dict]] = {}
    for code, by_words in grouped.items():
        for (what, changed), same in by_words.items():
            then, end, raised, ended = [], [], [], []
            for action in same:
                quarter = action.qa_return.quarter_value
                raised.append(quarter)
                then.append(found.principle((action.team_id,), quarter.index, code))
                score, at = _latest_team_score(found, action.team_id, code, quarter.index + 1, last)
                if score is not None:
                    end.append(score)
                    ended.append(at)
            result.setdefault(code, []).append(
                {
                    "what": what,
                    "changed": changed,
                    "actions": len(same),
                    "teams": sorted({a.team.name for a in same}),
                    "local_authorities": sorted(
                        {la.name for a in same for la in a.team.local_authorities.all()}
                    ),
                    "indicators": sorted({a.indicator.code for a in same}),
                    "raised": _labels(raised),
                    "score_then": _band(framework, scoring.mean_score(then)),
                    "score_end": _band(framework, scoring.mean_score(end)),
                    "end_quarters": _labels(ended),
                }
            )
        result[code].sort(key=lambda row: (-row["actions"], row["what"].lower()))
    return result


def _labels(quarters: list[Quarter]) -> list[str]:
    return [q.label for q in sorted(set(quarters))]


def _mean(values: list[Decimal]) -> str | None:
    return _text(scoring.mean_score(values))


def _peer_review(pilot: Pilot, first: Quarter, last: Quarter, codes: list[str]) -> dict[str, dict]:
    """Per section and quarter: how many teams the co-production panel reviewed, the mean of
    their self-assessed and peer scores and of the gaps (peer minus self, team by team), and how
    many gaps were a point or more; with the reviewers' comments. A comment that looks as if it
    holds someone's personal details (forums/privacy.py) is left out and counted."""
    reviews = list(
        peer_reviews_submitted(pilot=pilot, first_index=first.index, last_index=last.index)
    )
    per_team_quarter: dict[tuple[int, int], list] = {}
    for review in reviews:
        key = (review.team_id, review.quarter_index)
        if key not in per_team_quarter:
            per_team_quarter[key] = peer_gaps(team=review.team, quarter_index=review.quarter_index)
    result = {code: {"quarters": [], "comments": [], "left_out": 0} for code in codes}
    by_quarter: dict[int, dict[str, list]] = {}
    for (_, index), rows in sorted(per_team_quarter.items(), key=lambda kv: kv[0][1]):
        for row in rows:
            if row.peer_score is not None:
                by_quarter.setdefault(index, {}).setdefault(row.code, []).append(row)
    for index, by_code in sorted(by_quarter.items()):
        label = Quarter.from_index(index, pilot.quarter_convention).label
        for code, rows in by_code.items():
            if code not in result:
                continue
            team_gaps = [r.gap for r in rows if r.gap is not None]
            result[code]["quarters"].append(
                {
                    "quarter": label,
                    "teams": len(rows),
                    "self": _mean([r.self_score for r in rows if r.self_score is not None]),
                    "peer": _mean([r.peer_score for r in rows]),
                    "gap": _signed_mean(team_gaps),
                    "flagged": sum(1 for g in team_gaps if gaps.is_flagged(g)),
                }
            )
    comments: dict[tuple[str, str], list] = {}
    for review in reviews:
        for row in review.scores.all():
            code = row.indicator.principle.code
            text = row.evidence.strip()
            if code not in result or not text:
                continue
            if privacy.find_identifiers(text):
                result[code]["left_out"] += 1
                continue
            comments.setdefault((code, text), []).append((review, row))
    for (code, text), said in comments.items():
        result[code]["comments"].append(
            {
                "text": text,
                "times": len(said),
                "teams": sorted({review.team.name for review, _ in said}),
                "quarters": _labels([review.quarter_value for review, _ in said]),
                "indicators": sorted({row.indicator.code for _, row in said}),
            }
        )
    for section in result.values():
        section["comments"].sort(key=lambda comment: -comment["times"])
    return result


def _signed_mean(values: list[Decimal]) -> str | None:
    """The mean of gaps that may be negative (`mean_score` is for scores, which are not)."""
    if not values:
        return None
    mean = (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"))
    return f"+{mean}" if mean > 0 else str(mean)


def _about(pilot: Pilot, first: Quarter, last: Quarter, today: datetime.date) -> dict:
    returns = counted_returns(pilot=pilot).filter(
        quarter_index__gte=first.index, quarter_index__lte=last.index
    )
    counts = returns.aggregate(
        returns=Count("pk"),
        approved=Count("pk", filter=Q(status=ReturnStatus.APPROVED)),
        teams=Count("team", distinct=True),
    )
    return {
        "local_authorities": LocalAuthority.objects.filter(zone__pilot=pilot).count(),
        "teams": Team.objects.filter(organisation__pilot=pilot).count(),
        "teams_counted": counts["teams"],
        "returns_counted": counts["returns"],
        "provisional": counts["returns"] - counts["approved"],
        "forum_sessions": ForumSession.objects.filter(
            series__pilot=pilot,
            status=SessionStatus.PUBLISHED,
            date__gte=first.start,
            date__lte=last.end,
        ).count(),
        "last_deadline": last.deadline(pilot.return_deadline_days).isoformat(),
        "still_open": today <= last.deadline(pilot.return_deadline_days),
    }


def _framework(pilot: Pilot, first: Quarter, last: Quarter) -> dict:
    """The pilot's current version in full (sections, indicators with what each continues,
    scale, bands) and every version the period's counted returns were scored on."""
    current = current_framework_version(pilot=pilot)
    used = (
        counted_returns(pilot=pilot)
        .filter(quarter_index__gte=first.index, quarter_index__lte=last.index)
        .values("framework_version")
        .annotate(first=Min("quarter_index"), last=Max("quarter_index"))
        .order_by()
    )
    spans = {row["framework_version"]: (row["first"], row["last"]) for row in used}
    versions = FrameworkVersion.objects.filter(pk__in={*spans, current.pk}).select_related(
        "framework"
    )

    def label(index: int) -> str:
        return Quarter.from_index(index, pilot.quarter_convention).label

    principles = current.principles.prefetch_related(
        "indicators__lineage__continues", "indicators__lineage"
    )
    return {
        "name": str(current),
        "notes": current.notes,
        "crosswalk": current.previous_id is not None,
        "versions": [
            {
                "name": str(v),
                "notes": v.notes,
                "current": v.pk == current.pk,
                "from": label(spans[v.pk][0]) if v.pk in spans else None,
                "to": label(spans[v.pk][1]) if v.pk in spans else None,
            }
            for v in sorted(versions, key=lambda v: (v.framework.name, v.number))
        ],
        "sections": [
            {
                "code": p.code,
                "title": p.title,
                "description": p.description,
                "indicators": [
                    {
                        "code": i.code,
                        "text": i.text,
                        "change": _lineage(i) if current.previous_id else None,
                    }
                    for i in p.indicators.all()
                ],
            }
            for p in principles
        ],
        "scale": [{"value": s.value, "label": s.label} for s in current.scale.all()],
    }


def _lineage(indicator) -> str:
    lineage = getattr(indicator, "lineage", None)
    if lineage is None:
        return "New"
    label = lineage.get_change_display()
    old = ", ".join(sorted(i.code for i in lineage.continues.all()))
    if not old:
        return label
    # "Split from A.2", "Merged from B.1, B.2"; "Same (A.1)", "Reworded (A.1)".
    return f"{label} {old}" if label.endswith(" from") else f"{label} ({old})"


def _open_data(pilot: Pilot, first: Quarter, last: Quarter) -> list[dict]:
    """The open data packs published for the period's quarters (the latest version of each,
    newest first), each with its public address; the newest also with its figures by area, as
    published (withheld counts stay withheld)."""
    packs = [
        p for p in published_packs(pilot=pilot) if first.index <= p.quarter_index <= last.index
    ]
    site = settings.REPORTS_SITE_URL.rstrip("/")
    found = []
    for n, pack in enumerate(packs):
        entry = {
            "quarter_label": pack.quarter_value.label,
            "version": pack.version,
            "published_on": timezone.localdate(pack.published_at).isoformat(),
            "url": site + pack.get_absolute_url(),
            "threshold": pack.threshold,
            "columns": [],
            "rows": [],
        }
        if n == 0:
            entry["columns"], entry["rows"] = published_table(
                content=pack.content, keys=SUMMARY_KEYS
            )
        found.append(entry)
    return found


def handbook_content(
    *,
    pilot: Pilot,
    first: Quarter,
    last: Quarter,
    foreword: str,
    lessons: str,
    today: datetime.date,
) -> dict:
    """The handbook of `pilot` for the quarters `first` to `last`. `today` only says whether
    returns for the last quarter may still come in."""
    framework = framework_info(pilot=pilot)
    words = framework.words
    codes = framework.codes
    journey = _journey(pilot, first, last, framework)
    las = _las_at_end(pilot, last, framework)
    challenges = _challenges(pilot, codes, first, last)
    practice = _good_practice(pilot, first, last)
    done = _actions_done(pilot, first, last, framework)
    peer = _peer_review(pilot, first, last, codes)
    return {
        "pilot": pilot.name,
        "period": {
            "first": first.label,
            "last": last.label,
            "first_long": first.long_label,
            "last_long": last.long_label,
            "quarters": last.index - first.index + 1,
        },
        "words": {
            "section": words.section,
            "sections": words.sections,
            "report_title": words.report_title,
        },
        "bands": _bands(framework),
        "foreword": paragraphs(foreword),
        "lessons": paragraphs(lessons),
        "about": _about(pilot, first, last, today),
        "journey": {
            "quarters": journey["quarters"],
            "overall": journey["overall"],
            "summary": _first_and_last(journey["overall"]),
            "framework_changes": journey["framework_changes"],
            **scale_kept(journey["scale"]),
        },
        "sections": [
            {
                "code": p.code,
                "title": p.title,
                "anchor": f"section-{index}",
                "journey": journey["sections"][p.code],
                "summary": _first_and_last(journey["sections"][p.code]),
                "las_at_end": las.get(p.code),
                "recurring": challenges[p.code]["recurring"],
                "raised_once": challenges[p.code]["once"],
                "good_practice": practice.get(p.code, []),
                "actions_done": done.get(p.code, []),
                "peer_review": peer[p.code],
            }
            for index, p in enumerate(framework.principles, start=1)
        ],
        "framework": _framework(pilot, first, last),
        "open_data": _open_data(pilot, first, last),
        "open_data_none": NO_OPEN_DATA,
    }
