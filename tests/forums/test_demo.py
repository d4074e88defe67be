from forums import demo, selectors
from forums.models import Challenge, ForumSession, SharedChallenge
from partners.demo import seed_structure


def test_demo_seeds_seven_sessions_once(db):
    pilot = seed_structure(password="demo-password-x").pilot
    first = demo.seed(pilot)
    counts = (ForumSession.objects.count(), Challenge.objects.count())
    second = demo.seed(pilot)
    assert first and second == ""
    assert counts[0] == 7
    assert (ForumSession.objects.count(), Challenge.objects.count()) == counts
    assert SharedChallenge.objects.count() == 1


def test_demo_has_differently_worded_challenges_for_grouping_to_find(db):
    pilot = seed_structure(password="demo-password-x").pilot
    demo.seed(pilot)
    groups = selectors.suggested_groups(pilot=pilot, include_drafts=True)
    texts = [sorted(c.text for c in group) for group in groups]
    assert [
        "Abstinence required by supported housing providers",
        "Supported housing providers require abstinence",
    ] in texts
    assert [
        "Commissioners time-limit support to two years",
        "Support is cut off after two years by commissioners",
    ] in texts
