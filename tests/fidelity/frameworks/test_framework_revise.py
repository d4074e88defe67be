"""Editing a framework that returns use makes a new version; old returns keep theirs."""

from decimal import Decimal

import pytest

from common.quarters import Quarter
from fidelity.frameworks.models import FrameworkVersion, Indicator, PilotFramework
from fidelity.frameworks.selectors import current_framework_version
from fidelity.frameworks.services import framework_revise
from fidelity.returns.services import return_open
from tests.fidelity.factories import make_return, use_default_framework


@pytest.fixture
def version(world):
    use_default_framework(world.pilot)
    return current_framework_version(pilot=world.pilot)


def test_rewording_an_indicator_in_use_makes_a_new_version(world, version):
    old_return = make_return(world.bolton_team, 2025, 1)
    new = framework_revise(
        version=version,
        notes="Clearer wording for 1.1",
        indicator_changes={"1.1": {"text": "Nobody is asked to prove tenancy readiness."}},
    )
    assert new.number == version.number + 1
    assert new.principles.count() == version.principles.count()
    assert Indicator.objects.filter(principle__version=new).count() == 30
    assert (
        Indicator.objects.get(principle__version=new, code="1.1").text
        == "Nobody is asked to prove tenancy readiness."
    )
    assert Indicator.objects.get(principle__version=version, code="1.1").text.startswith("No one")
    old_return.refresh_from_db()
    assert old_return.framework_version == version
    assert PilotFramework.objects.get(pilot=world.pilot).version == new


def test_new_returns_use_the_new_version(world, version):
    make_return(world.bolton_team, 2025, 1)
    new = framework_revise(version=version, notes="v2", new_indicators=[("P7", "A new one.")])
    draft = return_open(team=world.bolton_team, quarter=Quarter(2025, 2), user=world.lead_bolton)
    assert draft.framework_version == new
    assert draft.scores.count() == 31
    assert draft.scores.filter(indicator__code="7.6").exists()


def test_the_copy_keeps_the_scale_and_bands(world, version):
    make_return(world.bolton_team, 2025, 1)
    new = framework_revise(version=version, notes="", caseload_target_per_fte=Decimal("6"))
    assert list(new.scale.values_list("value", "label")) == list(
        version.scale.values_list("value", "label")
    )
    assert list(new.bands.values_list("slug", "minimum")) == list(
        version.bands.values_list("slug", "minimum")
    )
    assert new.caseload_target_per_fte == Decimal("6")


def test_a_version_no_return_uses_is_edited_in_place(world, version):
    before = FrameworkVersion.objects.count()
    same = framework_revise(version=version, notes="", indicator_changes={"2.1": {"text": "X"}})
    assert same == version
    assert FrameworkVersion.objects.count() == before


def test_the_admin_saves_an_edit_to_an_indicator_in_use_as_a_new_version(client, world, version):
    from tests.factories import UserFactory

    make_return(world.bolton_team, 2025, 1)
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    indicator = Indicator.objects.get(principle__version=version, code="3.2")
    response = client.post(
        f"/admin/fidelity/indicator/{indicator.pk}/change/",
        {"text": "Support staff never collect rent.", "guidance": ""},
    )
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.text.startswith("Support workers are not")
    new = PilotFramework.objects.get(pilot=world.pilot).version
    assert new.number == version.number + 1
    assert new.principles.get(code="P3").indicators.get(code="3.2").text == (
        "Support staff never collect rent."
    )


def test_the_copy_keeps_each_indicators_plain_words_for_reviewers(world, version):
    make_return(world.bolton_team, 2025, 1)
    new = framework_revise(version=version, notes="v2", caseload_target_per_fte=Decimal("6"))
    assert list(
        Indicator.objects.filter(principle__version=new).values_list("code", "plain_text")
    ) == list(
        Indicator.objects.filter(principle__version=version).values_list("code", "plain_text")
    )


def test_rewording_an_indicator_blanks_its_plain_words_unless_new_ones_are_given(world, version):
    new = framework_revise(
        version=version,
        notes="",
        indicator_changes={
            "1.1": {"text": "Nobody is asked to prove tenancy readiness."},
            "1.2": {"text": "Tenancies are secure.", "plain_text": "Is your tenancy secure?"},
        },
    )
    reworded = Indicator.objects.get(principle__version=new, code="1.1")
    assert reworded.plain_text == ""
    assert reworded.text_for_reviewers == "Nobody is asked to prove tenancy readiness."
    assert Indicator.objects.get(principle__version=new, code="1.2").plain_text == (
        "Is your tenancy secure?"
    )


def test_a_new_version_keeps_the_framework_s_words(world, version):
    version.section_word, version.section_word_plural = "domain", "domains"
    version.report_title = "Practice network fidelity review"
    version.save()
    make_return(world.bolton_team, 2025, 1)
    new = framework_revise(version=version, notes="Copy")
    assert new != version
    assert (new.section_word, new.section_word_plural, new.report_title) == (
        "domain",
        "domains",
        "Practice network fidelity review",
    )
