"""What the handbook says: by section, how the score moved (the dashboard's figures), the
challenges that kept coming back and where, what worked, what teams changed and what peer
reviewers saw, with the manager's own words. Only published forum material counts."""

import datetime

from common.quarters import Quarter
from fidelity.dashboards.figures import dashboard_headline, principle_trends
from fidelity.frameworks.selectors import current_framework_version
from fidelity.improvement.models import ActionStatus, ImprovementAction
from fidelity.opendata.services import open_data_publish
from reports.handbook.content import NO_OPEN_DATA, fingerprint, handbook_content, paragraphs
from tests.reports.handbook.conftest import FIRST, FOREWORD, LAST, LESSONS, QUARTERS

TODAY = datetime.date(2026, 12, 1)


def _content(world, **changes):
    arguments = {
        "pilot": world.pilot,
        "first": FIRST,
        "last": LAST,
        "foreword": FOREWORD,
        "lessons": LESSONS,
        "today": TODAY,
        **changes,
    }
    return handbook_content(**arguments)


def _section(content, code):
    return next(s for s in content["sections"] if s["code"] == code)


def test_every_quarter_shows_the_dashboards_score_band_and_completeness(story):
    content = _content(story)

    assert content["journey"]["quarters"] == [q.label for q in QUARTERS]
    for n, quarter in enumerate(QUARTERS):
        headline = dashboard_headline(pilot=story.pilot, quarter=quarter)
        point = content["journey"]["overall"][n]
        assert point["score"] == str(headline.overall.score)
        assert point["band_name"] == headline.overall.band_name
        assert point["completeness"] == str(headline.completeness)
        for principle in headline.principles:
            section = _section(content, principle.code)
            assert section["journey"][n]["score"] == str(principle.cell.score)
            assert section["journey"][n]["band"] == principle.cell.band


def test_a_section_says_where_it_started_and_ended(story):
    p1 = _section(_content(story), "P1")
    trends = principle_trends(pilot=story.pilot, quarter=LAST, quarters=len(QUARTERS))
    p1_points = next(s.points for s in trends.series if s.code == "P1")

    assert p1["summary"]["from"]["score"] == str(p1_points[0])
    assert p1["summary"]["to"]["score"] == str(p1_points[-1])
    assert p1["summary"]["change"] == f"+{p1_points[-1] - p1_points[0]}"
    # Bolton alone scored P1 at 4 in the last quarter, Wigan 3 (Bury's return is a draft).
    assert p1["las_at_end"]["highest"] == ["Bolton"]
    assert p1["las_at_end"]["lowest"] == ["Wigan"]


def test_a_challenge_that_came_back_is_shown_with_every_la_and_quarter(story):
    p7 = _section(_content(story), "P7")

    assert [c["text"] for c in p7["recurring"]] == ["Landlords still expect abstinence"]
    recurring = p7["recurring"][0]
    assert recurring["local_authorities"] == ["Bolton", "Wigan"]
    assert recurring["quarters"] == [Quarter(2025, 3).label, Quarter(2026, 1).label]
    assert recurring["sessions"] == 2
    assert [a["what"] for a in recurring["actions"]] == [
        "Meet the landlords' forum about harm reduction"
    ]
    assert [c["text"] for c in p7["raised_once"]] == ["Needle exchange closes early on Fridays"]


def test_draft_sessions_and_notes_from_outside_the_period_are_left_out(story):
    content = _content(story)
    texts = str(content)

    assert "A draft challenge nobody has checked" not in texts
    assert "A draft example" not in texts
    assert "A challenge from before the period" not in texts
    assert content["about"]["forum_sessions"] == 3


def test_good_practice_is_filed_under_its_section(story):
    content = _content(story)

    assert [g["text"] for g in _section(content, "P7")["good_practice"]] == [
        "Naloxone kits carried by every worker"
    ]
    assert _section(content, "P7")["good_practice"][0]["organisation"] == "Red Rose Support"
    assert [g["text"] for g in _section(content, "P1")["good_practice"]] == [
        "Ordinary secure tenancies from day one"
    ]
    assert _section(content, "P3")["good_practice"] == []


def test_a_completed_action_shows_what_changed_and_the_score_before_and_at_the_end(story):
    p7 = _section(_content(story), "P7")

    assert len(p7["actions_done"]) == 1  # the open action is not listed
    done = p7["actions_done"][0]
    assert done["what"] == "Harm reduction training for the whole team"
    assert done["changed"] == "Abstinence conditions dropped from every support plan"
    assert done["teams"] == ["HF Wigan"] and done["local_authorities"] == ["Wigan"]
    assert done["raised"] == [FIRST.label]
    # Wigan scored every P7 indicator 1 when the action was raised, 3 in the last quarter.
    assert done["score_then"]["score"] == "1.00"
    assert (done["score_end"]["score"], done["end_quarters"]) == ("3.00", [LAST.label])


def test_the_same_action_taken_by_several_teams_is_said_once_with_their_mean_scores(story):
    first_return = story.wigan_team.returns.get(quarter_index=FIRST.index)
    bolton_return = story.bolton_team.returns.get(quarter_index=FIRST.index)
    done = ImprovementAction.objects.get(status=ActionStatus.DONE)
    ImprovementAction.objects.create(
        qa_return=bolton_return,
        team=story.bolton_team,
        indicator=done.indicator,
        principle_code="P7",
        what=done.what,
        owner="Another leader",
        status=ActionStatus.DONE,
        update_note=done.update_note,
    )
    assert first_return.pk == done.qa_return_id

    row = _section(_content(story), "P7")["actions_done"][0]

    assert row["actions"] == 2
    assert row["teams"] == ["HF Bolton", "HF Wigan"]
    # When raised: Wigan 1, Bolton 3; at the end: Wigan 3, Bolton 3.
    assert row["score_then"]["score"] == "2.00"
    assert row["score_end"]["score"] == "3.00"


def test_peer_reviewers_scores_sit_beside_the_teams_own_with_their_comments(story):
    content = _content(story)
    p2, p7 = _section(content, "P2"), _section(content, "P7")

    assert p2["peer_review"]["quarters"] == [
        {
            "quarter": QUARTERS[2].label,
            "teams": 1,
            "self": "3.00",
            "peer": "2.00",
            "gap": "-1.00",
            "flagged": 1,
        }
    ]
    assert p7["peer_review"]["comments"] == [
        {
            "text": "People told us workers never judged their drinking.",
            "times": 1,
            "teams": ["HF Wigan"],
            "quarters": [QUARTERS[2].label],
            "indicators": ["7.1"],
        }
    ]
    # A comment with a phone number in it is left out, and counted.
    assert p2["peer_review"]["comments"] == []
    assert p2["peer_review"]["left_out"] == 1
    assert "07700 900123" not in str(content)


def test_about_counts_the_las_teams_and_returns_of_the_period(story):
    about = _content(story)["about"]

    # Bolton 4, Wigan 4, Bury 2 counted (its last return is a draft); Wigan's last and Bury's
    # second are submitted, not approved.
    assert about["returns_counted"] == 10
    assert about["provisional"] == 2
    assert about["teams_counted"] == 3
    assert about["local_authorities"] == 3
    assert about["still_open"] is False


def test_the_managers_words_are_kept_as_paragraphs():
    assert paragraphs(FOREWORD) == [
        "We set out to house people first.",
        "This is what we learned <b>along the way</b>.",
    ]
    assert paragraphs(LESSONS) == [
        "Keep caseloads small.\nKeep going.",
        "Ask people what they want.",
    ]
    assert paragraphs(" \n\n  ") == []


def test_the_framework_appendix_lists_every_indicator_of_the_version_in_use(story):
    content = _content(story)
    version = current_framework_version(pilot=story.pilot)

    framework = content["framework"]
    assert framework["name"] == str(version)
    assert [v["name"] for v in framework["versions"]] == [str(version)]
    assert framework["versions"][0]["from"] == FIRST.label
    codes = [i["code"] for s in framework["sections"] for i in s["indicators"]]
    assert codes == [i.code for p in version.principles.all() for i in p.indicators.all()]
    assert [b["text"] for b in content["bands"]][-1].startswith("Low below")


def test_without_a_published_pack_the_open_data_appendix_says_so(story):
    content = _content(story)

    assert content["open_data"] == []
    assert content["open_data_none"] == NO_OPEN_DATA


def test_the_open_data_appendix_lists_the_periods_packs_and_repeats_the_newest(story):
    before = open_data_publish(pilot=story.pilot, quarter=Quarter(2024, 4), user=story.manager)
    first = open_data_publish(pilot=story.pilot, quarter=QUARTERS[1], user=story.manager)
    newest = open_data_publish(pilot=story.pilot, quarter=QUARTERS[2], user=story.manager)

    packs = _content(story)["open_data"]

    assert [(p["quarter_label"], p["version"]) for p in packs] == [
        (QUARTERS[2].label, 1),
        (QUARTERS[1].label, 1),
    ]
    assert before.quarter_value.label not in {p["quarter_label"] for p in packs}
    assert packs[0]["url"].endswith(newest.get_absolute_url())
    assert packs[1]["url"].endswith(first.get_absolute_url())
    assert packs[1]["rows"] == []  # only the newest pack's figures are repeated
    published = {(r["area"], r["measure"]): r for r in newest.content["rows"]}
    areas = {a["name"]: a["key"] for a in newest.content["areas"]}
    keys = {m["label"]: m["key"] for m in newest.content["measures"]}
    assert "People supported at quarter end" in packs[0]["columns"]
    assert len(packs[0]["rows"]) == len(areas)
    for row in packs[0]["rows"]:
        for label, shown in zip(packs[0]["columns"], row["values"], strict=True):
            cell = published[(areas[row["name"]], keys[label])]
            if cell["marker"]:  # withheld and missing cells say so, never a value
                assert shown == f"[{cell['marker']}]"
            else:
                assert shown.replace(",", "") == (
                    str(cell["value"]) if isinstance(cell["value"], int) else f"{cell['value']:.2f}"
                )


def test_the_same_data_gives_the_same_fingerprint_and_new_words_a_new_one(story):
    first = _content(story)

    assert fingerprint(_content(story)) == fingerprint(first)
    assert fingerprint(_content(story, lessons="Something else.")) != fingerprint(first)
