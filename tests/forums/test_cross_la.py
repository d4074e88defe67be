import datetime

from django.urls import reverse

from forums import selectors, services
from forums.models import Challenge, SharedChallenge

from .factories import make_session, raise_challenge


def test_a_challenge_raised_in_two_las_is_shared(world):
    session = make_session(world.pilot)
    raise_challenge(session, "Long waits for one-bedroom flats", world.bolton, world.wigan)
    raise_challenge(session, "Only in Bury", world.bury)

    items = selectors.cross_la_challenges(pilot=world.pilot)

    assert [(i.title, i.la_count, i.local_authorities) for i in items] == [
        ("Long waits for one-bedroom flats", 2, ["Bolton", "Wigan"])
    ]


def test_a_confirmed_shared_challenge_counts_every_la_and_session_it_came_up_in(world):
    april = make_session(world.pilot, date=datetime.date(2026, 4, 1))
    may = make_session(world.pilot, date=datetime.date(2026, 5, 1), principle_code="P3")
    first = raise_challenge(april, "Landlords want proof of readiness", world.bolton)
    second = raise_challenge(may, "Private landlords ask for tenancy readiness", world.bolton)
    third = raise_challenge(may, "Readiness tests by landlords", world.bury)
    services.shared_challenge_confirm(
        pilot=world.pilot,
        challenges=[first, second, third],
        title="Landlords ask for readiness",
        user=world.facilitator,
    )

    [item] = selectors.cross_la_challenges(pilot=world.pilot)

    assert item.shared and item.title == "Landlords ask for readiness"
    assert (item.la_count, item.sessions_count) == (2, 2)
    assert item.local_authorities == ["Bolton", "Bury"]
    assert item.principle_code == "P3"


def test_one_la_raising_it_in_two_sessions_is_shared_across_sessions(world):
    one = make_session(world.pilot, date=datetime.date(2026, 4, 1))
    two = make_session(world.pilot, date=datetime.date(2026, 5, 1))
    first = raise_challenge(one, "Caseloads too high", world.bolton)
    second = raise_challenge(two, "Caseloads are too high", world.bolton)
    services.shared_challenge_confirm(
        pilot=world.pilot, challenges=[first, second], title="Caseloads", user=world.facilitator
    )

    [item] = selectors.cross_la_challenges(pilot=world.pilot)

    assert (item.la_count, item.sessions_count) == (1, 2)


def test_draft_sessions_count_only_when_asked(world):
    draft = make_session(world.pilot, published=False)
    raise_challenge(draft, "Abstinence required", world.bolton, world.bury)

    assert selectors.cross_la_challenges(pilot=world.pilot) == []
    assert len(selectors.cross_la_challenges(pilot=world.pilot, include_drafts=True)) == 1


def test_series_and_dates_narrow_the_view(world):
    early = make_session(world.pilot, date=datetime.date(2026, 4, 1), series_title="Series 1")
    late = make_session(world.pilot, date=datetime.date(2026, 9, 1), series_title="Series 2")
    raise_challenge(early, "Early one", world.bolton, world.bury)
    raise_challenge(late, "Late one", world.bolton, world.bury)

    by_date = selectors.cross_la_challenges(pilot=world.pilot, date_from=datetime.date(2026, 8, 1))
    by_series = selectors.cross_la_challenges(pilot=world.pilot, series=early.series)

    assert [i.title for i in by_date] == ["Late one"]
    assert [i.title for i in by_series] == ["Early one"]


def test_similar_unconfirmed_challenges_are_offered_as_a_group(world):
    session = make_session(world.pilot)
    first = raise_challenge(session, "Supported housing providers require abstinence", world.bolton)
    second = raise_challenge(
        session, "Abstinence required by supported housing providers", world.bury
    )
    raise_challenge(session, "No choice of area for housing offers", world.wigan)

    assert selectors.suggested_groups(pilot=world.pilot) == [[first, second]]


def test_facilitator_confirms_a_suggested_group_as_one_shared_challenge(client, world):
    session = make_session(world.pilot)
    first = raise_challenge(session, "Supported housing providers require abstinence", world.bolton)
    second = raise_challenge(
        session, "Abstinence required by supported housing providers", world.bury
    )
    client.force_login(world.facilitator)

    page = client.get(reverse("forums:cross_la"))
    assert b"Confirm as one shared challenge" in page.content
    client.post(
        reverse("forums:shared_confirm"),
        {"title": "Abstinence conditions", "challenges": [first.pk, second.pk]},
    )

    shared = SharedChallenge.objects.get()
    assert shared.title == "Abstinence conditions"
    assert set(Challenge.objects.filter(shared=shared)) == {first, second}
    assert selectors.suggested_groups(pilot=world.pilot) == []


def test_team_leader_cannot_open_the_cross_la_view(client, world):
    client.force_login(world.lead_bolton)
    assert client.get(reverse("forums:cross_la")).status_code == 404


def test_challenges_of_another_pilot_cannot_be_joined_into_a_shared_challenge(client, world):
    mine = raise_challenge(make_session(world.pilot), "Abstinence required", world.bolton)
    theirs = make_session(world.other_pilot)
    elsewhere = raise_challenge(theirs, "Abstinence required", principle_code="P7")
    client.force_login(world.facilitator)

    client.post(
        reverse("forums:shared_confirm"),
        {"title": "Mixed", "challenges": [mine.pk, elsewhere.pk]},
    )

    assert not SharedChallenge.objects.exists()


def test_reports_read_challenges_for_principles_with_las_sessions_and_actions(world):
    session = make_session(world.pilot, principle_code="P2")
    challenge = raise_challenge(
        session, "Support cut off after two years", world.bolton, world.bury
    )
    services.action_add(
        session=session,
        what="Raise with commissioners",
        owner="Pilot manager",
        due_date=datetime.date(2026, 7, 1),
        challenge=challenge,
    )
    raise_challenge(make_session(world.pilot, published=False), "Draft only", world.bolton)

    result = selectors.challenges_for_principles(pilot=world.pilot, principle_codes=["P1", "P2"])

    assert result["P1"] == []
    [item] = result["P2"]
    assert (item.title, item.local_authorities, item.sessions_count) == (
        "Support cut off after two years",
        ["Bolton", "Bury"],
        1,
    )
    assert [(a.what, a.owner, a.status) for a in item.actions] == [
        ("Raise with commissioners", "Pilot manager", "open")
    ]
