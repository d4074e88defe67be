"""The daily reminder job and the weekly digest: who gets what, on which day, and only once."""

import datetime

import pytest
from django.apps import apps as django_apps
from django.core import mail

from common.quarters import Quarter
from fidelity.frameworks import framework_data
from fidelity.improvement.models import ImprovementAction
from fidelity.returns.models import ReturnStatus
from forums.services import action_add
from reports.reminders.models import Reminder, ReminderKind, ReminderSettings
from reports.reminders.services import digests_send, reminders_send
from tests.fidelity.factories import make_return, use_default_framework
from tests.forums.factories import make_session

# Financial quarters, deadline 20 days after the quarter ends: 2026-27 Q2 is due 20 October 2026.
TEN_DAYS_BEFORE = datetime.date(2026, 10, 10)
THREE_DAYS_BEFORE = datetime.date(2026, 10, 17)
DAY_AFTER = datetime.date(2026, 10, 21)
MONDAY = datetime.date(2026, 10, 26)


@pytest.fixture
def returns_world(world):
    """Q2: Bolton submitted (waiting for review), Wigan a draft, Bury not started."""
    framework_data.load(django_apps)
    use_default_framework(world.pilot)
    use_default_framework(world.other_pilot)
    make_return(world.bolton_team, 2026, 2, status=ReturnStatus.SUBMITTED)
    make_return(world.wigan_team, 2026, 2, status=ReturnStatus.DRAFT)
    make_return(world.other_team, 2026, 2, status=ReturnStatus.APPROVED)
    return world


def _recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_team_leaders_with_a_return_not_in_are_reminded_ten_days_before(returns_world):
    reminders_send(today=TEN_DAYS_BEFORE)
    assert _recipients() == ["lead-bury@example.org", "lead-wigan@example.org"]
    wigan = next(m for m in mail.outbox if m.to == ["lead-wigan@example.org"])
    assert wigan.subject == "HF Wigan: QA return for 2026-27 Q2 due in 10 days"
    assert "Tuesday 20 October 2026" in wigan.body
    assert "saved as a draft" in wigan.body


def test_team_leaders_are_reminded_three_days_before(returns_world):
    reminders_send(today=THREE_DAYS_BEFORE)
    assert [m.subject for m in mail.outbox if m.to == ["lead-bury@example.org"]] == [
        "HF Bury: QA return for 2026-27 Q2 due in 3 days"
    ]


def test_no_reminder_on_days_that_are_not_reminder_days(returns_world):
    reminders_send(today=datetime.date(2026, 10, 11))
    assert mail.outbox == []


def test_team_leaders_are_told_the_day_after_their_return_becomes_overdue(returns_world):
    reminders_send(today=DAY_AFTER)
    bury = next(m for m in mail.outbox if m.to == ["lead-bury@example.org"])
    assert bury.subject == "HF Bury: QA return for 2026-27 Q2 is overdue"
    assert "has not been started yet" in bury.body
    assert _recipients() == ["lead-bury@example.org", "lead-wigan@example.org"]


def test_running_the_job_twice_on_one_day_sends_each_reminder_once(returns_world):
    first = reminders_send(today=TEN_DAYS_BEFORE)
    second = reminders_send(today=TEN_DAYS_BEFORE)
    assert (first.sent, second.sent, second.already_sent) == (2, 0, 2)
    assert len(mail.outbox) == 2
    assert Reminder.objects.count() == 2


def test_a_failed_send_is_not_recorded_so_the_next_run_tries_again(returns_world, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("reports.reminders.services.send_mail", broken)
    with pytest.raises(ConnectionRefusedError):
        reminders_send(today=TEN_DAYS_BEFORE)
    assert Reminder.objects.count() == 0
    monkeypatch.undo()
    reminders_send(today=TEN_DAYS_BEFORE)
    assert len(mail.outbox) == 2


def test_the_database_refuses_a_second_reminder_for_the_same_thing_and_day(returns_world):
    from django.db import IntegrityError, transaction

    reminders_send(today=TEN_DAYS_BEFORE)
    existing = Reminder.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            recipient=existing.recipient,
            pilot=existing.pilot,
            kind=existing.kind,
            subject_key=existing.subject_key,
            date=existing.date,
            subject="again",
            body="again",
        )


def test_a_pilots_own_days_decide_when_its_team_leaders_are_reminded(returns_world):
    ReminderSettings.objects.create(
        pilot=returns_world.pilot, days_before="5", days_after_overdue=2
    )
    reminders_send(today=TEN_DAYS_BEFORE)
    reminders_send(today=DAY_AFTER)
    assert mail.outbox == []
    reminders_send(today=datetime.date(2026, 10, 15))
    reminders_send(today=datetime.date(2026, 10, 22))
    assert [m.subject for m in mail.outbox if m.to == ["lead-wigan@example.org"]] == [
        "HF Wigan: QA return for 2026-27 Q2 due in 5 days",
        "HF Wigan: QA return for 2026-27 Q2 is overdue",
    ]


def test_team_leaders_without_an_email_address_are_skipped_and_named(returns_world):
    returns_world.lead_bury.email = ""
    returns_world.lead_bury.save()
    outcome = reminders_send(today=TEN_DAYS_BEFORE)
    assert outcome.skipped_no_email == ["lead-bury"]
    assert _recipients() == ["lead-wigan@example.org"]


def test_the_digest_lists_overdue_returns_returns_to_review_and_overdue_actions(
    returns_world,
):
    forum = make_session(returns_world.pilot, principle_code="P2", date=datetime.date(2026, 9, 1))
    action_add(
        session=forum,
        what="Agree a caseload cap with commissioners",
        owner="Red Rose Support",
        due_date=datetime.date(2026, 10, 1),
    )
    action_add(
        session=forum,
        what="An action not due yet",
        owner="Northern Lights",
        due_date=datetime.date(2026, 12, 1),
    )
    bolton_q2 = returns_world.bolton_team.returns.get(quarter=2)
    indicators = list(bolton_q2.framework_version.principles.get(code="P2").indicators.all())
    for indicator, target, what in [
        (indicators[0], Quarter(2026, 2), "Cap caseloads at seven per worker"),
        (indicators[1], Quarter(2026, 3), "An improvement not due yet"),
    ]:
        ImprovementAction.objects.create(
            qa_return=bolton_q2,
            team=returns_world.bolton_team,
            indicator=indicator,
            principle_code="P2",
            what=what,
            owner="Team leader",
            target_quarter_index=target.index,
        )
    digests_send(today=MONDAY)
    [digest] = [m for m in mail.outbox if m.to == ["manager@example.org"]]
    assert digest.subject == "Test pilot: weekly QA digest, 26 October 2026"
    body = digest.body
    overdue = body.split("Overdue returns (2)")[1].split("Returns waiting")[0]
    assert "HF Wigan, 2026-27 Q2: due 20 October 2026, draft" in overdue
    assert "HF Bury, 2026-27 Q2: due 20 October 2026, not started" in overdue
    review = body.split("Returns waiting for your review (1)")[1].split("Overdue forum")[0]
    assert "HF Bolton, 2026-27 Q2" in review
    improvements = body.split("Overdue improvement actions (1)")[1].split("Overdue forum")[0]
    assert (
        f"HF Bolton, indicator {indicators[0].code}: Cap caseloads at seven per worker "
        "(owner: Team leader; by the end of 2026-27 Q2)"
    ) in improvements
    assert "An improvement not due yet" not in body
    actions = body.split("Overdue forum actions (1)")[1]
    assert "Agree a caseload cap with commissioners (owner: Red Rose Support" in actions
    assert "An action not due yet" not in body


def test_each_manager_gets_only_their_own_pilots_digest(returns_world):
    digests_send(today=MONDAY)
    assert _recipients() == ["manager@example.org"]  # the other pilot has nothing to report
    assert Reminder.objects.get().kind == ReminderKind.DIGEST


def test_the_digest_is_sent_once_however_often_the_job_runs_that_day(returns_world):
    digests_send(today=MONDAY)
    digests_send(today=MONDAY)
    assert len(mail.outbox) == 1


def test_a_pilot_can_turn_the_digest_off(returns_world):
    ReminderSettings.objects.create(pilot=returns_world.pilot, digest_enabled=False)
    digests_send(today=MONDAY)
    assert mail.outbox == []


def test_the_digests_returns_to_review_are_the_ones_the_review_list_shows(returns_world):
    # A team that has stopped (inactive) keeps its submitted return, but the review list, and so
    # the home panel that links to it, show active teams only: the digest counts the same.
    returns_world.bury_team.is_active = False
    returns_world.bury_team.save()
    make_return(returns_world.bury_team, 2026, 1, status=ReturnStatus.SUBMITTED)
    digests_send(today=MONDAY)
    [digest] = [m for m in mail.outbox if m.to == ["manager@example.org"]]
    review = digest.body.split("Returns waiting for your review (1)")[1].split("Overdue")[0]
    assert "HF Bolton, 2026-27 Q2" in review
    assert "HF Bury" not in review
