import pytest
from django.core.management import CommandError, call_command

from fidelity.frameworks.models import FrameworkVersion
from fidelity.returns.models import QAReturn
from forums.models import ForumSession
from partners.models import LocalAuthority, Organisation, Pilot, RoleAssignment, Team, User, Zone

COUNTED = (
    Pilot,
    Zone,
    LocalAuthority,
    Organisation,
    Team,
    User,
    RoleAssignment,
    FrameworkVersion,
    QAReturn,
    ForumSession,
)
GM_CODES = {
    "Bolton": "E08000001",
    "Bury": "E08000002",
    "Manchester": "E08000003",
    "Oldham": "E08000004",
    "Rochdale": "E08000005",
    "Salford": "E08000006",
    "Stockport": "E08000007",
    "Tameside": "E08000008",
    "Trafford": "E08000009",
    "Wigan": "E08000010",
}


def _counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_seed_demo_builds_the_demo_pilot(db):
    call_command("seed_demo")
    pilot = Pilot.objects.get(name="Greater Manchester Housing First (demo)")
    assert pilot.zones.count() == 4
    las = LocalAuthority.objects.filter(zone__pilot=pilot)
    assert dict(las.values_list("name", "gss_code")) == GM_CODES
    assert pilot.organisations.count() == 11
    assert Team.objects.filter(organisation__pilot=pilot).count() == 10
    for username in ("admin", "manager", "facilitator", "lead-bolton", "lead-wigan"):
        assert User.objects.filter(username=username).exists()
    assert User.objects.get(username="admin").is_superuser
    bolton_lead = User.objects.get(username="lead-bolton")
    assert bolton_lead.role_assignments.get().team.local_authorities.get().name == "Bolton"
    # The privacy notice and accessibility statement have something to print.
    assert pilot.privacy_contact == "privacy@gm-demo.example.org"
    assert pilot.accessibility_reviewed is not None


def test_seed_demo_twice_changes_nothing(db):
    call_command("seed_demo")
    LocalAuthority.objects.filter(name="Bolton").update(gss_code="")  # seeded before codes
    before = _counts()
    password_hash = User.objects.get(username="manager").password
    call_command("seed_demo")
    assert _counts() == before
    assert LocalAuthority.objects.get(name="Bolton").gss_code == "E08000001"
    assert User.objects.get(username="manager").password == password_hash


def test_seed_demo_uses_demo_password(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "a-chosen-demo-password")
    call_command("seed_demo")
    assert User.objects.get(username="lead-bolton").check_password("a-chosen-demo-password")


def test_seed_demo_refuses_in_production_without_force(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo")
    assert not Pilot.objects.exists()
    call_command("seed_demo", "--force")
    assert Pilot.objects.exists()
