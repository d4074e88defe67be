"""Fixtures for handbook tests: the scored test pilot seen on a fixed day, a handbook built
synchronously by the service, and versions made without a build for the pages' tests."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile

from common.quarters import Quarter
from partners.models import Role
from reports.handbook.models import Handbook, HandbookVersion
from reports.handbook.services import handbook_build, handbook_request
from tests import factories

# 2026-27 Q2 ended on 30 September and its returns were due on 20 October: on this day it is the
# dashboard's default quarter, so a handbook of all of the test pilot runs 2026-27 Q1 to Q2.
A_DAY_IN_NOVEMBER = datetime.date(2026, 11, 2)
Q1, Q2 = Quarter(2026, 1), Quarter(2026, 2)


@pytest.fixture
def handbook_world(scored_world, today_is):
    today_is(A_DAY_IN_NOVEMBER)
    scored_world.reviewer = factories.UserFactory(username="reviewer")
    factories.assign(scored_world.reviewer, Role.REVIEWER, scored_world.pilot)
    return scored_world


@pytest.fixture
def build(handbook_world):
    """`build(first=None, last=None, user=None)`: requests the pilot's handbook and builds it
    in this process, as the worker would; returns it reloaded."""

    def build(first=None, last=None, user=None) -> Handbook:
        handbook = handbook_request(pilot=handbook_world.pilot, first=first, last=last, user=user)
        handbook_build(handbook_id=handbook.pk)
        handbook.refresh_from_db()
        return handbook

    return build


@pytest.fixture
def quick_render(monkeypatch):
    """For the lifecycle's tests: the handbook laid out in no time, counting the layouts."""
    layouts = []

    def html(content, *, built_on, standalone):
        return f"<!doctype html><html><body><p>{content.get('foreword', '')}</p></body></html>"

    def pdf(content, *, built_on):
        layouts.append(content)
        return b"%PDF-1.7 quick", 1

    monkeypatch.setattr("reports.handbook.services.handbook_html", html)
    monkeypatch.setattr("reports.handbook.services.handbook_pdf", pdf)
    return layouts


def made_version(
    handbook: Handbook,
    *,
    number: int = 1,
    html: str = "<!doctype html><html lang='en-GB'><body><h1>Invented handbook</h1></body></html>",
) -> HandbookVersion:
    """A version saved without building it, for the pages' tests."""
    version = HandbookVersion(
        handbook=handbook, number=number, fingerprint=f"{number:064d}", content={}, page_count=3
    )
    version.pdf.save("handbook.pdf", ContentFile(b"%PDF-1.7 invented"), save=False)
    version.html.save("handbook.html", ContentFile(html.encode()), save=False)
    version.save()
    handbook.current_version = version
    handbook.status = "ready"
    handbook.progress = 100
    handbook.save()
    return version


def made_handbook(pilot, first: Quarter = Q1, last: Quarter = Q2, **fields) -> Handbook:
    return Handbook.objects.create(
        pilot=pilot,
        first_year=first.year,
        first_quarter=first.number,
        last_year=last.year,
        last_quarter=last.number,
        **fields,
    )
