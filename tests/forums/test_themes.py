"""A pilot's theme list: a facilitator adds a theme where they tag a challenge."""

import pytest
from django.core.exceptions import ValidationError

from forums.models import Theme
from forums.services import theme_add, theme_name_problem


def test_a_new_theme_joins_the_pilots_list_with_its_spaces_tidied(world):
    theme = theme_add(pilot=world.pilot, name="  Rent   arrears ")
    assert theme.name == "Rent arrears"
    assert list(Theme.objects.filter(pilot=world.pilot).values_list("name", flat=True)) == [
        "Rent arrears"
    ]


def test_a_theme_already_in_the_list_under_other_capitals_is_refused(world):
    theme_add(pilot=world.pilot, name="Rent arrears")
    with pytest.raises(ValidationError, match="already in this pilot's theme list"):
        theme_add(pilot=world.pilot, name="RENT ARREARS")
    assert Theme.objects.filter(pilot=world.pilot).count() == 1


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("Rent arrears", None),
        ("ab", "too short"),
        ("x" * 81, "too long"),
        ("landlords, arrears", "cannot contain a comma"),
    ],
)
def test_a_theme_name_is_between_3_and_80_characters_without_commas(name, problem):
    found = theme_name_problem(name=name)
    assert (found is None) if problem is None else (problem in found)
