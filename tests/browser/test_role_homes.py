import pytest


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("manager", "Pilot manager"),
        ("facilitator", "Forum facilitator"),
        ("lead-bolton", "Housing First Bolton"),
        ("admin", "Administrator"),
    ],
)
def test_each_demo_role_signs_in_and_sees_its_home_page(
    demo_pilot, user_browser, username, expected
):
    user_browser.login(username)
    page = user_browser.page
    assert page.get_by_role("heading", name="Your roles").is_visible()
    assert expected in page.locator("main").inner_text()
    assert "Greater Manchester Housing First (demo)" in page.locator("main").inner_text() or (
        username == "admin"
    )
    user_browser.screenshot(f"home-{username}")
    user_browser.assert_accessible()


def test_wrong_password_is_told_clearly(demo_pilot, user_browser):
    user_browser.login("lead-bolton", "wrong-password")
    assert "Please enter a correct username and password" in user_browser.page.inner_text("main")
    user_browser.screenshot("login-wrong-password")
    user_browser.assert_accessible()


def test_keyboard_user_can_skip_to_main_content(demo_pilot, user_browser):
    user_browser.login("manager")
    page = user_browser.page
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("el => el === document.activeElement")
