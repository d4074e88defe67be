"""A pilot is backed up with `export_pilot` and restored with `import_pilot`."""

import json

import pytest
from django.core.management import CommandError, call_command

from fidelity.returns.models import IndicatorScore, QAReturn
from forums.models import Challenge
from ops.backup import pilot_delete, pilot_models
from partners.models import Pilot, Team


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
