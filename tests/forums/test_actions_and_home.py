import datetime
import re

from django.urls import reverse
from django.utils import timezone

from forums import services

from .factories import make_session


def _action(session, what, owner, due, status="open"):
    return services.action_add(session=session, what=what, owner=owner, due_date=due, status=status)


def test_tracker_shows_open_actions_by_owner_and_principle_and_counts_the_overdue(client, world):
    today = timezone.localdate()
    p2 = make_session(world.pilot, principle_code="P2")
    p5 = make_session(world.pilot, principle_code="P5")
    _action(p2, "Raise with commissioners", "Pilot manager", today - datetime.timedelta(days=3))
    _action(p5, "Review caseloads", "Pilot manager", today + datetime.timedelta(days=30))
    _action(p5, "Already done", "Lead provider", today, status="done")
    client.force_login(world.lead_bolton)

    response = client.get(reverse("forums:actions"))

    groups = [
        (owner, [(code, [a.what for a in actions]) for code, actions in by_code])
        for owner, by_code in response.context["groups"]
    ]
    assert groups == [
        ("Pilot manager", [("P2", ["Raise with commissioners"]), ("P5", ["Review caseloads"])])
    ]
    assert response.context["overdue_count"] == 1


def test_tracker_filters_by_owner(client, world):
    session = make_session(world.pilot)
    _action(session, "One", "Pilot manager", None)
    _action(session, "Two", "Lead provider", None)
    client.force_login(world.facilitator)
    response = client.get(reverse("forums:actions"), {"owner": "Lead provider"})
    assert [o for o, _ in response.context["groups"]] == ["Lead provider"]


def test_facilitator_marks_an_action_done(client, world):
    action = _action(make_session(world.pilot), "One", "Pilot manager", None)
    client.force_login(world.facilitator)
    client.post(reverse("forums:action_status", args=[action.pk]), {"status": "done"})
    action.refresh_from_db()
    assert action.status == "done"


def test_team_leader_cannot_change_an_action(client, world):
    action = _action(make_session(world.pilot), "One", "Pilot manager", None)
    client.force_login(world.lead_bolton)
    response = client.post(reverse("forums:action_status", args=[action.pk]), {"status": "done"})
    assert response.status_code == 404


def test_home_panel_tells_a_facilitator_which_drafts_to_publish_and_what_is_overdue(client, world):
    draft = make_session(world.pilot, published=False)
    _action(draft, "Send the landlord guide", "Lead provider", datetime.date(2020, 1, 1))
    client.force_login(world.facilitator)
    response = client.get(reverse("forums:home_panel"))
    assert response.context["drafts"] == [draft]
    assert b"Send the landlord guide" in response.content


def test_home_panel_shows_others_the_latest_published_session(client, world):
    make_session(world.pilot, date=datetime.date(2026, 4, 1))
    latest = make_session(world.pilot, date=datetime.date(2026, 6, 1))
    make_session(world.pilot, date=datetime.date(2026, 7, 1), published=False)
    client.force_login(world.lead_bolton)
    response = client.get(reverse("forums:home_panel"))
    assert response.context["latest"] == latest


def test_the_facilitators_overdue_count_is_the_rows_its_link_shows(client, world):
    """Seven overdue actions, one of them on another pilot's session the facilitator cannot see,
    one done and one not yet due: the panel's count and the tracker's rows agree."""
    today = timezone.localdate()
    session = make_session(world.pilot, principle_code="P2")
    for n in range(6):
        _action(session, f"Overdue {n}", "Pilot manager", today - datetime.timedelta(days=n + 1))
    _action(session, "Done late", "Pilot manager", today - datetime.timedelta(days=9), "done")
    _action(session, "Not yet due", "Lead provider", today + datetime.timedelta(days=9))
    far_away = make_session(world.other_pilot, principle_code="P2")
    _action(far_away, "Someone else's", "Far Away Trust", today - datetime.timedelta(days=2))
    client.force_login(world.facilitator)

    panel = client.get(reverse("forums:home_panel")).content.decode()
    link = f"{reverse('forums:actions')}?overdue=1"
    assert "<strong>6</strong> overdue forum actions, the 5 longest overdue" in panel
    assert f'href="{link}"' in panel
    tracker = client.get(link).content.decode()
    rows = sum(body.count("<tr>") for body in re.findall(r"<tbody>(.*?)</tbody>", tracker, re.S))
    assert rows == 6
    assert "Not yet due" not in tracker and "Someone else's" not in tracker


def test_tracker_ignores_a_principle_not_in_the_framework_and_nul_bytes(client, world):
    session = make_session(world.pilot, principle_code="P2")
    _action(session, "Raise with commissioners", "Pilot manager", None)
    client.force_login(world.facilitator)
    for query in ({"principle": "\x00"}, {"principle": "P99"}, {"owner": "\x00"}):
        response = client.get(reverse("forums:actions"), query)
        assert response.status_code == 200, query
    response = client.get(reverse("forums:actions"), {"principle": "P2"})
    assert [owner for owner, _ in response.context["groups"]] == ["Pilot manager"]
    assert response.context["principle"] == "P2"
