"""A team leader makes an API token, reads their team through the API with it, and revokes it."""

from __future__ import annotations

import requests


def test_a_team_leader_makes_uses_and_revokes_an_api_token(demo_pilot, user_browser, live_server):
    user_browser.login("lead-bolton")
    page = user_browser.page
    page.get_by_role("button", name="Your account").click()
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("Bolton analyst")
    page.get_by_role("button", name="Make token").click()
    page.wait_for_load_state("networkidle")
    secret = page.get_by_label("Your new token").input_value()
    assert secret.startswith("hfqa_")
    user_browser.screenshot("api-token-made")
    user_browser.assert_accessible()

    def teams() -> requests.Response:
        return requests.get(
            f"{live_server.url}/api/v1/teams/",
            headers={"Authorization": f"Bearer {secret}"},
            timeout=60,
        )

    assert [t["name"] for t in teams().json()["results"]] == ["Housing First Bolton"]

    page.get_by_role("button", name="Revoke Bolton analyst").click()
    page.wait_for_load_state("networkidle")
    assert "Token revoked" in page.locator("main").inner_text()
    assert teams().status_code == 401

    page.get_by_role("link", name="API", exact=True).click()
    assert page.get_by_role("heading", name="GET /api/v1/figures/").is_visible()
    user_browser.screenshot("api-docs")
    user_browser.assert_accessible()
