"""A pilot is backed up with `export_pilot` and restored with `import_pilot`."""

import json

import pytest
from django.core.management import CommandError, call_command

from fidelity.frameworks.models import FrameworkVersion, Indicator, IndicatorLineage, PilotFramework
from fidelity.frameworks.selectors import current_framework_version
from fidelity.frameworks.services import framework_revise
from fidelity.returns.models import IndicatorScore, QAReturn
from forums.models import Challenge
from ops.backup import pilot_delete, pilot_models
from partners.models import Pilot, Team
from tests.fidelity.factories import make_return


def _rows(path) -> list[dict]:
    return sorted(json.loads(path.read_text()), key=lambda r: (r["model"], r["pk"]))


def test_a_deleted_pilot_is_restored_exactly_from_its_export(secure_world, tmp_path):
    slug = secure_world.pilot.slug
    backup = tmp_path / "pilot.json"
    call_command("export_pilot", slug, str(backup))
    pilot_delete(slug=slug)
    assert not Pilot.objects.filter(slug=slug).exists()
    assert not QAReturn.objects.filter(team__organisation__pilot__slug=slug).exists()

    call_command("import_pilot", str(backup))

    again = tmp_path / "again.json"
    call_command("export_pilot", slug, str(again))
    assert _rows(again) == _rows(backup)
    assert Team.objects.get(pk=secure_world.bolton_team.pk).local_authorities.get().name == "Bolton"
    assert IndicatorScore.objects.filter(qa_return=secure_world.submitted_return.pk).exists()
    assert Challenge.objects.get(pk=secure_world.challenge.pk).text == "Invented challenge"


def test_the_export_holds_only_that_pilots_rows(secure_world, tmp_path):
    backup = tmp_path / "pilot.json"
    call_command("export_pilot", secure_world.pilot.slug, str(backup))
    rows = _rows(backup)
    pilots = [r for r in rows if r["model"] == "partners.pilot"]
    returns = {r["pk"] for r in rows if r["model"] == "fidelity.qareturn"}
    users = {r["fields"]["username"] for r in rows if r["model"] == "partners.user"}
    assert [p["pk"] for p in pilots] == [secure_world.pilot.pk]
    assert secure_world.other_return.pk not in returns
    assert secure_world.submitted_return.pk in returns
    assert "lead-elsewhere" not in users and "lead-bolton" in users


def test_the_export_covers_the_returns_forums_and_reports(db):
    labels = {model._meta.label for model, _ in pilot_models()}
    assert {
        "fidelity.QAReturn",
        "fidelity.IndicatorScore",
        "forums.Challenge",
        "forums.Action",
        "reports.Report",
        "reports.ReportVersion",
    } <= labels


def test_restoring_a_pilot_that_is_still_there_is_refused(secure_world, tmp_path):
    backup = tmp_path / "pilot.json"
    call_command("export_pilot", secure_world.pilot.slug, str(backup))
    with pytest.raises(CommandError, match="already in this database"):
        call_command("import_pilot", str(backup))


def test_exporting_an_unknown_pilot_says_so(db, tmp_path):
    with pytest.raises(CommandError, match="No pilot"):
        call_command("export_pilot", "no-such-pilot", str(tmp_path / "x.json"))


def _revised_version_only_this_pilot_uses(world) -> FrameworkVersion:
    """A version of the pilot's own (as an import or a revision makes), with a crosswalk, that
    exists only where it was made; the pilot has a return scored on it."""
    default = current_framework_version(pilot=world.pilot)
    make_return(world.bolton_team, 2024, 1)  # puts the default version in use, so it is copied
    revised = framework_revise(
        version=default, notes="Our own wording", new_indicators=[("P1", "An indicator of ours")]
    )
    PilotFramework.objects.filter(pilot=world.other_pilot).update(version=default)
    make_return(world.bolton_team, 2024, 2)
    return revised


def test_a_framework_version_of_the_pilots_own_is_restored_with_it(secure_world, tmp_path):
    revised = _revised_version_only_this_pilot_uses(secure_world)
    indicators = sorted(Indicator.objects.filter(principle__version=revised).values_list("code"))
    crosswalk = IndicatorLineage.objects.filter(version=revised).count()
    backup = tmp_path / "pilot.json"
    call_command("export_pilot", secure_world.pilot.slug, str(backup))
    pilot_delete(slug=secure_world.pilot.slug)
    revised_key = revised.pk
    revised.delete()  # a fresh database: the version was never there

    call_command("import_pilot", str(backup))

    restored = FrameworkVersion.objects.get(pk=revised_key)
    assert restored.previous == current_framework_version(pilot=secure_world.other_pilot)
    assert current_framework_version(pilot=secure_world.pilot) == restored
    assert sorted(Indicator.objects.filter(principle__version=restored).values_list("code")) == (
        indicators
    )
    assert IndicatorLineage.objects.filter(version=restored).count() == crosswalk > 0
    latest = QAReturn.objects.get(team=secure_world.bolton_team, year=2024, quarter=2)
    assert latest.framework_version == restored
    assert IndicatorScore.objects.filter(qa_return=latest, indicator__code="1.4").exists()


def test_a_different_framework_under_the_same_key_is_refused(secure_world, tmp_path):
    revised = _revised_version_only_this_pilot_uses(secure_world)
    backup = tmp_path / "pilot.json"
    call_command("export_pilot", secure_world.pilot.slug, str(backup))
    pilot_delete(slug=secure_world.pilot.slug)
    FrameworkVersion.objects.filter(pk=revised.pk).update(number=99)

    with pytest.raises(CommandError, match="another framework version under the key"):
        call_command("import_pilot", str(backup))
    assert not Pilot.objects.filter(slug=secure_world.pilot.slug).exists()
