"""An administrator uploads a framework workbook in the admin, checks the preview (or every
problem) and only then creates the version; any version exports as a workbook."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fidelity.frameworks.instrument import instrument_to_data
from fidelity.frameworks.models import Framework, FrameworkVersion
from fidelity.frameworks.services import framework_import
from fidelity.frameworks.workbook import instrument_xlsx, read_instrument_xlsx
from tests.factories import UserFactory
from tests.fidelity.factories import page_text
from tests.fidelity.frameworks.test_framework_workbook import BAD_FILES, five_domains

IMPORT_URL = "/admin/fidelity/frameworkversion/import/"
NAME = "Practice network fidelity scale"


@pytest.fixture
def admin(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def _upload(client, data: bytes, name: str = "network.xlsx"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data)})


def test_the_changelist_offers_the_import(admin):
    response = admin.get("/admin/fidelity/frameworkversion/")
    assert IMPORT_URL in response.content.decode()


def test_a_good_file_is_previewed_and_created_only_when_confirmed(admin):
    response = _upload(admin, instrument_xlsx(five_domains()))
    text = page_text(response)
    assert response.status_code == 200
    assert f"{NAME} (new framework, version 1)" in text
    assert "domain (domains)" in text
    assert "5 domains, 38 indicators" in text
    assert "Is item 1 of domain 1 there for you?" in text
    assert not Framework.objects.filter(name=NAME).exists()

    token = response.context["token"]
    response = admin.post(IMPORT_URL, {"token": token})
    version = FrameworkVersion.objects.get(framework__name=NAME)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/fidelity/frameworkversion/{version.pk}/change/"
    assert version.section_word == "domain"


def test_an_existing_framework_gets_its_next_version(admin):
    instrument = read_instrument_xlsx(instrument_xlsx(five_domains()))
    framework_import(instrument)
    response = _upload(admin, instrument_xlsx(instrument))
    assert f"{NAME} (exists: this will be its version 2)" in page_text(response)


def test_a_bad_file_lists_every_problem_and_creates_nothing(admin):
    versions = FrameworkVersion.objects.count()
    response = _upload(admin, BAD_FILES["a duplicate indicator code"][0]())
    text = page_text(response)
    assert response.status_code == 200
    assert "The file was not imported and nothing was changed. 1 problem:" in text
    assert "Indicators, row 7: the code D1.3 is used twice." in text
    assert FrameworkVersion.objects.count() == versions


def test_a_file_over_the_limit_is_refused_before_reading(admin):
    response = _upload(admin, b"x" * (5 * 1024 * 1024 + 1), "big.xlsx")
    assert "big.xlsx is 5.0 MB; the limit is 5 MB." in page_text(response)


def test_a_tampered_preview_is_refused(admin):
    versions = FrameworkVersion.objects.count()
    response = admin.post(IMPORT_URL, {"token": str(instrument_to_data(five_domains()))})
    assert "This preview has expired or cannot be read. Upload the file again." in page_text(
        response
    )
    assert FrameworkVersion.objects.count() == versions


def test_the_import_is_for_staff_only(client, db):
    client.force_login(UserFactory(username="lead"))
    response = client.post(IMPORT_URL, {"file": SimpleUploadedFile("a.xlsx", b"x")})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_version_exports_from_the_admin(admin):
    version = FrameworkVersion.objects.get(number=1)
    response = admin.post(
        "/admin/fidelity/frameworkversion/",
        {"action": "export_xlsx", "_selected_action": [version.pk]},
    )
    assert response.status_code == 200
    assert "v1.xlsx" in response["Content-Disposition"]
    parsed = read_instrument_xlsx(response.content)
    assert parsed.name == version.framework.name
    assert parsed.indicator_count == 30
