import pytest

from forums.similarity import are_similar, group_similar, normalise, suggested_title

SAME_CHALLENGE_IN_OTHER_WORDS = [
    (
        "Private landlords ask for proof that people are tenancy ready",
        "Landlords want proof of tenancy readiness before offering a home",
    ),
    (
        "Support is cut off after two years by commissioners",
        "Commissioners time-limit support to two years",
    ),
    ("Caseloads above 7 per worker", "Worker caseloads are too high, above seven people"),
    (
        "Supported housing providers require abstinence",
        "Abstinence required by supported housing providers",
    ),
    (
        "Partner agencies close cases when people don't engage",
        "Cases closed for non-engagement by partner agencies",
    ),
    ("Long waits for one-bedroom social housing", "long waits for one bedroom social housing!"),
]

DIFFERENT_CHALLENGES = [
    ("Caseloads above 7 per worker", "Support staff asked to chase rent for the landlord"),
    (
        "Private landlords ask for proof that people are tenancy ready",
        "Support is cut off after two years by commissioners",
    ),
    ("Long waits for one-bedroom social housing", "Long waits for mental health assessments"),
    ("No choice of area for housing offers", "Personal budgets are hard to spend quickly"),
    (
        "Support plans start from risks, not strengths",
        "Mental health teams will not see people who are using substances",
    ),
    ("", "Caseloads above 7 per worker"),
]


@pytest.mark.parametrize(("first", "second"), SAME_CHALLENGE_IN_OTHER_WORDS)
def test_the_same_challenge_in_other_words_groups(first, second):
    assert are_similar(first, second)


@pytest.mark.parametrize(("first", "second"), DIFFERENT_CHALLENGES)
def test_different_challenges_do_not_group(first, second):
    assert not are_similar(first, second)


def test_grouping_joins_alike_texts_and_leaves_the_rest_out():
    groups = group_similar(
        [
            (1, "Supported housing providers require abstinence"),
            (2, "Caseloads above 7 per worker"),
            (3, "Abstinence required by supported housing providers"),
            (4, "No choice of area for housing offers"),
            (5, "Worker caseloads are too high, above seven people"),
        ]
    )
    assert groups == [[1, 3], [2, 5]]


def test_grouping_is_transitive_through_a_middle_wording():
    groups = group_similar(
        [
            ("a", "Cases closed for non-engagement by partner agencies"),
            ("b", "Partner agencies close cases when people don't engage"),
            ("c", "Partner agencies close cases when people do not engage with the service"),
        ]
    )
    assert groups == [["a", "b", "c"]]


def test_normalising_drops_common_words_and_plural_endings():
    assert normalise("The landlords ask for proofs") == normalise("landlord asks proof")


def test_the_plainest_wording_is_offered_as_the_title():
    assert suggested_title(["Caseloads above 7 per worker", "Worker caseloads are too high"]) == (
        "Caseloads above 7 per worker"
    )
