from django.urls import reverse


def test_lead_bolton_sees_only_boltons_team_in_the_list(client, world):
    client.force_login(world.lead_bolton)
    response = client.get(reverse("partners:team_list"))
    assert response.status_code == 200
    assert "HF Bolton" in response.content.decode()
    assert "HF Wigan" not in response.content.decode()


def test_lead_bolton_cannot_open_wigans_team_by_changing_the_id(client, world):
    client.force_login(world.lead_bolton)
    assert (
        client.get(reverse("partners:team_detail", args=[world.bolton_team.pk])).status_code == 200
    )
    response = client.get(reverse("partners:team_detail", args=[world.wigan_team.pk]))
    assert response.status_code == 404
    assert "HF Wigan" not in response.content.decode()


def test_unknown_team_answers_404(client, world):
    client.force_login(world.manager)
    assert client.get(reverse("partners:team_detail", args=[999999])).status_code == 404


def test_manager_opens_any_team_of_their_pilot_but_not_another_pilots(client, world):
    client.force_login(world.manager)
    assert (
        client.get(reverse("partners:team_detail", args=[world.wigan_team.pk])).status_code == 200
    )
    assert (
        client.get(reverse("partners:team_detail", args=[world.other_team.pk])).status_code == 404
    )


def test_facilitator_cannot_open_a_team(client, world):
    client.force_login(world.facilitator)
    assert (
        client.get(reverse("partners:team_detail", args=[world.bolton_team.pk])).status_code == 404
    )


def test_home_page_shows_a_team_leader_their_pilot_team_and_role(client, world):
    client.force_login(world.lead_bolton)
    page = client.get(reverse("home")).content.decode()
    assert "Test pilot" in page
    assert "HF Bolton" in page
    assert "Team leader" in page
    assert "HF Wigan" not in page
    assert "Another pilot" not in page


def test_navigation_shows_each_role_only_what_it_can_use(client, world):
    client.force_login(world.facilitator)
    page = client.get(reverse("home")).content.decode()
    assert reverse("partners:team_list") not in page
    assert reverse("admin:index") not in page
    client.force_login(world.manager)
    assert reverse("partners:team_list") in client.get(reverse("home")).content.decode()
