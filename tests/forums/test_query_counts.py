import datetime

from django.urls import reverse

from forums import services

from .factories import make_session, raise_challenge


def _notes(world, sessions: int, per_session: int) -> None:
    for s in range(sessions):
        session = make_session(
            world.pilot, principle_code=f"P{s % 7 + 1}", date=datetime.date(2026, 4, s + 1)
        )
        for c in range(per_session):
            challenge = raise_challenge(
                session, f"Challenge {s}-{c}", world.bolton, world.bury, themes=("Housing supply",)
            )
            services.action_add(
                session=session, what=f"Act {s}-{c}", owner="Lead", challenge=challenge
            )
            services.good_practice_add(session=session, text=f"Good {s}-{c}", principle_code="P1")


def test_challenge_summary_queries_do_not_grow_with_the_notes(
    client, world, django_assert_max_num_queries
):
    _notes(world, sessions=6, per_session=5)
    client.force_login(world.facilitator)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("forums:summary_csv"))
    assert response.content.decode().count("Challenge ") == 30


def test_session_page_queries_do_not_grow_with_the_rows(
    client, world, django_assert_max_num_queries
):
    _notes(world, sessions=1, per_session=12)
    session = world.pilot.forum_series.get().sessions.get()
    client.force_login(world.facilitator)
    with django_assert_max_num_queries(40):
        response = client.get(reverse("forums:session_detail", args=[session.pk]))
    assert response.content.decode().count("Challenge 0-") >= 12
