"""A local authority's ONS GSS code: optional, a letter and eight digits, never on two LAs."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from partners.models import LocalAuthority

from ..factories import LocalAuthorityFactory, UserFactory

PATTERN_MESSAGE = "Enter the ONS GSS code as a capital E, W, S or N and eight digits"


@pytest.mark.parametrize("code", ["E08000003", "W06000015", "S12000036", "N09000003", ""])
def test_a_gss_code_of_the_right_shape_or_none_is_accepted(db, code):
    la = LocalAuthorityFactory.build(zone=LocalAuthorityFactory().zone, gss_code=code)
    la.full_clean()


@pytest.mark.parametrize(
    "code",
    ["e08000003", "E0800003", "X08000003", "E0800000A", "08000003E", "E08 00003", "E٠٨000003"],
)
def test_a_gss_code_of_another_shape_is_refused_with_a_message(db, code):
    la = LocalAuthorityFactory.build(zone=LocalAuthorityFactory().zone, gss_code=code)
    with pytest.raises(ValidationError) as refused:
        la.full_clean()
    assert PATTERN_MESSAGE in " ".join(refused.value.message_dict["gss_code"])


def test_two_local_authorities_cannot_share_a_code_but_many_can_have_none(db):
    first = LocalAuthorityFactory(gss_code="E08000003")
    LocalAuthorityFactory(gss_code="")
    LocalAuthorityFactory(gss_code="")
    twin = LocalAuthorityFactory.build(zone=first.zone, name="Twin", gss_code="E08000003")
    with pytest.raises(ValidationError, match="Another local authority already has this GSS"):
        twin.full_clean()
    with pytest.raises(IntegrityError):
        twin.save()


def test_the_admin_refuses_a_bad_code_beside_the_field_and_keeps_what_was_typed(client, world):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:partners_localauthority_change", args=[world.bolton.pk])
    data = {"zone": world.bolton.zone_id, "name": "Bolton", "slug": "bolton"}
    response = client.post(url, {**data, "gss_code": "E0800001"})
    assert response.status_code == 200
    body = response.content.decode()
    assert PATTERN_MESSAGE in body
    assert 'value="E0800001"' in body
    world.bolton.refresh_from_db()
    assert world.bolton.gss_code == ""
    assert client.post(url, {**data, "gss_code": "E08000001"}).status_code == 302
    assert LocalAuthority.objects.get(pk=world.bolton.pk).gss_code == "E08000001"


def test_the_admin_lists_and_finds_local_authorities_by_code(client, world):
    LocalAuthority.objects.filter(pk=world.bolton.pk).update(gss_code="E08000001")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:partners_localauthority_changelist")
    body = client.get(url, {"q": "E08000001"}).content.decode()
    assert "E08000001" in body and "Bolton" in body
    assert "Wigan" not in body
