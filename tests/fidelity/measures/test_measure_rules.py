"""The rules of a pilot's measure values (fidelity.measures.validation), as the return form, the
submit service and Check your answers apply them."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from common.quarters import Quarter
from fidelity.measures.models import MeasureValue, PilotMeasure
from fidelity.measures.validation import measure_errors, value_error
from fidelity.returns.models import ReturnStatus
from fidelity.returns.services import return_open, return_submit_errors
from tests.fidelity.factories import (
    GOOD_FIGURES,
    fill_return,
    form_data,
    page_text,
    use_default_framework,
)
from tests.fidelity.measures.factories import add_measures

WHOLE = PilotMeasure(pk=1, name="Hospital admissions", minimum=Decimal("0"))
MONEY = PilotMeasure(pk=2, name="Budget", kind="decimal", decimal_places=2, minimum=Decimal("0"))


@pytest.mark.parametrize(
    ("measure", "value", "error"),
    [
        (WHOLE, "3", None),
        (WHOLE, "0", None),
        (WHOLE, "-1", "Enter 0 or more."),
        (WHOLE, "3.5", "Enter a whole number, such as 12."),
        (WHOLE, "3.0", None),
        (MONEY, "12.25", None),
        (MONEY, "12.255", "Enter a number with at most 2 decimal places."),
        (MONEY, "-0.01", "Enter 0 or more."),
        (MONEY, "2000000000", "Enter a number up to 1000000000."),
    ],
)
def test_a_value_must_be_one_the_measure_can_hold(measure, value, error):
    assert value_error(measure=measure, value=Decimal(value)) == error


def test_a_minimum_other_than_zero_is_named():
    at_least_two = PilotMeasure(pk=3, name="Visits", minimum=Decimal("2"))
    assert value_error(measure=at_least_two, value=Decimal("1")) == "Enter 2 or more."


def test_a_measure_above_the_caseload_figure_it_must_be_at_most_names_both():
    admissions = PilotMeasure(pk=1, name="Hospital admissions", at_most_figure="people_supported")
    errors = measure_errors(
        measures=[admissions], values={1: Decimal("13")}, figures={"people_supported": 12}
    )
    assert errors == {
        "measure_1": "Hospital admissions (13) cannot be more than people supported at quarter "
        "end (12)."
    }
    assert not measure_errors(
        measures=[admissions], values={1: Decimal("12")}, figures={"people_supported": 12}
    )


def test_a_measure_above_another_measure_it_must_be_at_most_names_both():
    admissions = PilotMeasure(pk=1, name="Hospital admissions")
    emergency = PilotMeasure(pk=2, name="Emergency admissions", at_most_measure=admissions)
    errors = measure_errors(
        measures=[admissions, emergency], values={1: Decimal("3"), 2: Decimal("4")}, figures={}
    )
    assert errors == {
        "measure_2": "Emergency admissions (4) cannot be more than hospital admissions (3)."
    }


def test_every_active_measure_is_needed_to_submit_and_an_inactive_one_is_not():
    retired = PilotMeasure(pk=2, name="Old measure", is_active=False)
    errors = measure_errors(measures=[WHOLE, retired], values={}, figures={})
    assert errors == {"measure_1": "Enter the Hospital admissions for the quarter (0 if none)."}


# --- In the return ------------------------------------------------------------------------------


@pytest.fixture
def measured_draft(world):
    use_default_framework(world.pilot)
    measures = add_measures(world.pilot)
    draft = return_open(team=world.bolton_team, quarter=Quarter(2025, 4), user=world.lead_bolton)
    return draft, measures


def _post(client, draft, values: dict[int, str]):
    draft.refresh_from_db()
    data = {"lock_version": str(draft.lock_version), "continue": "1"}
    data.update({f"measures-measure_{pk}": value for pk, value in values.items()})
    return client.post(reverse("fidelity:return_section", args=[draft.pk, "measures"]), data)


@pytest.mark.parametrize(
    ("which", "typed", "message"),
    [
        ("admissions", "-1", "Enter 0 or more."),
        ("admissions", "2.5", "Enter a whole number, such as 12."),
        ("admissions", "lots", "Enter a whole number, such as 12."),
        ("budget", "10.123", "Enter a number with at most 2 decimal places."),
    ],
)
def test_a_bad_value_is_shown_next_to_its_field_and_nothing_typed_is_lost(
    client, world, measured_draft, which, typed, message
):
    draft, measures = measured_draft
    client.force_login(world.lead_bolton)
    measure = getattr(measures, which)
    other = measures.discharge_days
    response = _post(client, draft, {measure.pk: typed, other.pk: "7"})
    assert response.status_code == 200
    html = response.content.decode()
    next_to_field = re.search(
        rf'id="error_1_id_measures-measure_{measure.pk}"[^>]*><strong>([^<]*)', html
    )
    assert next_to_field and next_to_field.group(1) == message
    assert f"{measure.name}: {message}" in page_text(response)  # the summary at the top
    assert f'value="{typed}"' in html and 'value="7"' in html
    assert not MeasureValue.objects.filter(qa_return=draft).exists()


def test_a_measure_above_people_supported_stops_the_submission_and_is_listed_on_check(
    client, world, measured_draft
):
    draft, measures = measured_draft
    fill_return(draft, world.lead_bolton)
    client.force_login(world.lead_bolton)
    too_many = GOOD_FIGURES["people_supported"] + 1
    _post(
        client,
        draft,
        {
            measures.admissions.pk: str(too_many),
            measures.discharge_days.pk: "0",
            measures.budget.pk: "10",
        },
    )
    message = (
        f"Hospital admissions ({too_many}) cannot be more than people supported at quarter end "
        f"({GOOD_FIGURES['people_supported']})."
    )
    draft.refresh_from_db()
    assert return_submit_errors(qa_return=draft) == {f"measure_{measures.admissions.pk}": message}

    check = client.get(reverse("fidelity:return_check", args=[draft.pk]))
    assert f"Hospital admissions: {message}" in page_text(check)
    assert f"?from=check#id_measures-measure_{measures.admissions.pk}" in check.content.decode()
    refused = client.post(
        reverse("fidelity:return_check_submit", args=[draft.pk]),
        {"lock_version": str(draft.lock_version)},
    )
    assert message in page_text(refused)
    draft.refresh_from_db()
    assert draft.status == ReturnStatus.DRAFT
    section = client.get(
        reverse("fidelity:return_section", args=[draft.pk, "measures"]), {"from": "check"}
    )
    assert message in page_text(section)


def test_a_return_without_its_measures_cannot_be_submitted(world, measured_draft):
    draft, measures = measured_draft
    draft = fill_return(draft, world.lead_bolton)
    assert return_submit_errors(qa_return=draft) == {}
    draft.measure_values.all().delete()
    errors = return_submit_errors(qa_return=draft)
    assert set(errors) == {
        f"measure_{m.pk}" for m in (measures.admissions, measures.discharge_days, measures.budget)
    }


def test_a_pilot_without_measures_has_no_measures_section(client, world):
    use_default_framework(world.pilot)
    draft = return_open(team=world.bolton_team, quarter=Quarter(2025, 4), user=world.lead_bolton)
    client.force_login(world.lead_bolton)
    tasks = page_text(client.get(reverse("fidelity:return_tasks", args=[draft.pk])))
    assert "Pilot measures" not in tasks
    missing = client.get(reverse("fidelity:return_section", args=[draft.pk, "measures"]))
    assert missing.status_code == 404
    assert form_data(draft)  # the standard sections are untouched
