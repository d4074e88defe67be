"""The demo pilot's open data: one pack for the dashboard's default quarter, published by its
first manager, so the public open data page has something to show."""

from __future__ import annotations

from fidelity.dashboards.figures import default_quarter
from fidelity.opendata.models import OpenDataPack
from fidelity.opendata.services import open_data_publish
from partners.models import Pilot, Role, User


def seed_open_data(pilot: Pilot) -> str:
    if OpenDataPack.objects.filter(pilot=pilot).exists():
        return ""
    manager = (
        User.objects.filter(
            role_assignments__pilot=pilot, role_assignments__role=Role.PILOT_MANAGER
        )
        .order_by("pk")
        .first()
    )
    if manager is None:
        return ""
    pack = open_data_publish(pilot=pilot, quarter=default_quarter(pilot=pilot), user=manager)
    return f"open data pack {pack.quarter_value.label} published"
