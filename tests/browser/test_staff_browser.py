"""A new staff member, in headless Chromium with JavaScript off, enrols TOTP and signs in."""
from __future__ import annotations

import pyotp
from sqlmodel import Session

from tracker.models import User
from tracker.staff.accounts import create_user

NEW_PASSWORD = "quiet harbour under winter stars"


def _submit(page, form_selector: str) -> None:
    """Press the submit button of one form (the page also has a sign-out form)."""
    page.click(f"{form_selector} button[type=submit]")


def _code_after(engine, user_id: int) -> str:
    """A code for the first time step after the last one the server accepted."""
    with Session(engine) as session:
        user = session.get(User, user_id)
        return pyotp.TOTP(user.totp_secret).generate_otp(user.totp_last_step + 1)


def test_first_login_enrols_totp_then_signs_in_with_a_code(app, live_server, page, artifacts_dir):
    engine = app.extensions["tracker.engine"]
    with app.app_context(), Session(engine) as session:
        user, one_time_password = create_user(session, "amina@example.org", "caseworker")
        session.commit()
        user_id = user.id

    page.goto(f"{live_server}/staff/login")
    page.fill("#email", "amina@example.org")
    page.fill("#password", one_time_password)
    _submit(page, "form.staff-form")
    assert page.url.endswith("/staff/first-login/password")
    page.fill("#new_password", NEW_PASSWORD)
    page.fill("#confirm_password", NEW_PASSWORD)
    _submit(page, "form.staff-form")

    assert page.url.endswith("/staff/first-login/second-factor")
    assert page.locator("svg.totp-qr").is_visible()
    page.screenshot(path=str(artifacts_dir / "staff-enrol-totp.png"), full_page=True)
    secret = page.inner_text("code.totp-secret").strip()
    page.fill("#otp", pyotp.TOTP(secret).now())
    _submit(page, "form.staff-form")
    assert len(page.locator("ol.recovery-codes li").all()) == 10

    page.click("text=I have saved them: continue")
    assert "amina@example.org" in page.inner_text("main")
    page.click("form.staff-signout button")
    assert page.url.endswith("/staff/login")

    page.fill("#email", "amina@example.org")
    page.fill("#password", NEW_PASSWORD)
    page.fill("#otp", _code_after(engine, user_id))
    _submit(page, "form.staff-form")
    assert page.url.endswith("/staff/")
    assert "role caseworker" in page.inner_text("main")
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    assert cookies["tracker_session"]["httpOnly"] and cookies["tracker_session"]["sameSite"] == "Lax"
    assert "remember_token" not in cookies


def test_the_login_page_loads_nothing_from_elsewhere(live_server, page):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server}/staff/login")
    assert requested and all(url.startswith(live_server) for url in requested)
