"""Administrators define a pilot's measures in the admin: choices say whose each measure is, and
a rule that would hold a measure to another pilot's is refused with its reason."""

from django.urls import reverse

from fidelity.measures.models import PilotMeasure
from tests.factories import UserFactory
from tests.fidelity.factories import page_text
from tests.fidelity.measures.factories import add_measures


def _form(pilot, **changes) -> dict[str, str]:
    data = {
        "pilot": str(pilot.pk),
        "name": "Emergency admissions",
        "help_text": "",
        "kind": "whole",
        "minimum": "0",
        "decimal_places": "",
        "at_most_measure": "",
        "at_most_figure": "",
        "position": "4",
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_an_administrator_adds_a_measure_held_to_another_of_its_pilot(client, world):
    measures = add_measures(world.pilot)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:fidelity_pilotmeasure_add")
    assert "Hospital admissions (Test pilot)" in client.get(url).content.decode()

    response = client.post(url, _form(world.pilot, at_most_measure=str(measures.admissions.pk)))
    assert response.status_code == 302
    added = PilotMeasure.objects.get(name="Emergency admissions")
    assert added.at_most_label == "Hospital admissions"
    listed = page_text(client.get(reverse("admin:fidelity_pilotmeasure_changelist")))
    assert "Emergency admissions Test pilot Whole number Hospital admissions" in listed


def test_a_measure_cannot_be_held_to_another_pilots_or_to_two_figures(client, world):
    theirs = add_measures(world.other_pilot)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:fidelity_pilotmeasure_add")
    other = client.post(url, _form(world.pilot, at_most_measure=str(theirs.admissions.pk)))
    assert "Choose a measure of the same pilot." in page_text(other)
    both = client.post(
        url,
        _form(
            world.other_pilot,
            at_most_measure=str(theirs.admissions.pk),
            at_most_figure="people_supported",
        ),
    )
    assert "Choose another measure or a caseload figure, not both." in page_text(both)
    assert not PilotMeasure.objects.filter(name="Emergency admissions").exists()
