"""One attacker cannot lock reporters out, even when every client arrives from one address
(an onion service: all visitors come from the local Tor daemon; issue 16, item 2)."""
from __future__ import annotations

import pytest

from tests.conftest import csrf_token

from .helpers import open_report, receipt_of, send_report

WRONG = "ABCD-EFGH-JKMN-PQRS"


@pytest.fixture
def app_config():
    return {"INTAKE_RECEIPT_LIMIT": "3 per minute", "INTAKE_RECEIPT_ADDRESS_LIMIT": "6 per minute",
            "INTAKE_RECEIPT_GLOBAL_LIMIT": "40 per minute",
            "INTAKE_SUBMIT_LIMIT": "2 per minute", "INTAKE_SUBMIT_ADDRESS_LIMIT": "4 per minute",
            "INTAKE_SUBMIT_GLOBAL_LIMIT": "40 per minute"}


def browser(app, address: str = "127.0.0.1", **headers):
    """A browser of its own (its own cookies) at this address; 127.0.0.1 is the onion's Tor daemon."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    client.environ_base.update({f"HTTP_{name}": value for name, value in headers.items()})
    return client


def wrong_receipt(client) -> int:
    return open_report(client, WRONG).status_code


def test_an_attackers_wrong_receipts_on_the_shared_address_do_not_stop_an_honest_reporter(app):
    honest = browser(app)
    receipt = receipt_of(send_report(honest))
    attacker = browser(app)
    statuses = [wrong_receipt(attacker) for _ in range(30)]
    assert statuses[:3] == [404] * 3 and set(statuses[3:]) == {429}
    returning = browser(app)  # the honest reporter, later, on another device
    opened = open_report(returning, receipt)
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/my-report")


def test_an_attackers_junk_reports_on_the_shared_address_do_not_stop_other_reporters(app):
    attacker = browser(app)
    statuses = [send_report(attacker).status_code for _ in range(20)]
    assert statuses[:2] == [200, 200] and set(statuses[2:]) == {429}
    assert receipt_of(send_report(browser(app), {"narrative": "what happened to my brother"}))


@pytest.mark.parametrize("app_config", [{}])  # the shipped defaults
def test_the_nine_wrong_receipts_and_nine_junk_reports_of_the_issue_no_longer_lock_anyone_out(app):
    honest = browser(app)
    receipt = receipt_of(send_report(honest))
    attacker = browser(app)
    assert [wrong_receipt(attacker) for _ in range(9)] == [404] * 9
    assert [send_report(attacker).status_code for _ in range(9)] == [200] * 9
    assert open_report(browser(app), receipt).status_code == 302
    assert receipt_of(send_report(browser(app)))


def test_a_post_without_the_forms_cookie_is_refused_before_it_counts(app):
    honest = browser(app)
    receipt = receipt_of(send_report(honest))
    for _ in range(50):  # no cookie: CSRF refuses it, no budget is spent
        assert browser(app).post("/receipt", data={"receipt": WRONG}).status_code == 400
    assert open_report(browser(app), receipt).status_code == 302


def test_api_clients_without_a_pass_share_one_budget_that_form_users_never_draw_on(app):
    honest = browser(app)
    receipt = receipt_of(send_report(honest))
    api = browser(app)
    statuses = {api.get("/api/v1/receipt/report", headers={"X-Receipt": WRONG}).status_code for _ in range(10)}
    assert 429 in statuses
    assert open_report(browser(app), receipt).status_code == 302


def test_one_known_address_cannot_mint_passes_without_end(app):
    statuses = [wrong_receipt(browser(app, "192.0.2.5")) for _ in range(8)]
    assert statuses[:6] == [404] * 6 and set(statuses[6:]) == {429}
    assert wrong_receipt(browser(app, "192.0.2.6")) == 404


def test_forwarded_headers_are_ignored_without_a_configured_proxy_hop(app):
    spoofed = [browser(app, "192.0.2.5", X_FORWARDED_FOR=f"198.51.100.{n}") for n in range(8)]
    statuses = [wrong_receipt(client) for client in spoofed]
    assert set(statuses[6:]) == {429}, "a made-up X-Forwarded-For must not buy a fresh address"


@pytest.mark.parametrize("app_config", [{"PROXY_HOPS": 1, "INTAKE_RECEIPT_ADDRESS_LIMIT": "2 per minute"}])
def test_with_one_proxy_hop_the_address_is_the_one_our_proxy_saw(app):
    def behind_proxy(client_address: str, claimed: str | None = None):
        chain = f"{claimed}, {client_address}" if claimed else client_address
        return browser(app, "10.0.0.1", X_FORWARDED_FOR=chain)

    assert [wrong_receipt(behind_proxy("203.0.113.7", f"198.51.100.{n}")) for n in range(3)] == [404, 404, 429]
    assert wrong_receipt(behind_proxy("203.0.113.8")) == 404
    secure = behind_proxy("203.0.113.9")
    secure.environ_base["HTTP_X_FORWARDED_PROTO"] = "https"
    assert secure.get("/").headers["Strict-Transport-Security"].startswith("max-age=")


def test_a_request_the_view_declares_exempt_counts_nowhere(app):
    from flask import request

    from tracker.intake.throttle import submission_limits

    @submission_limits(methods=["POST"], exempt_when=lambda: "redraw" in request.form)
    def view():
        return "ok"

    app.add_url_rule("/limited-for-test", "limited_for_test", view, methods=["GET", "POST"])
    app.config["WTF_CSRF_ENABLED"] = False
    client = browser(app)
    client.get("/limited-for-test")
    assert {client.post("/limited-for-test", data={"redraw": "1"}).status_code for _ in range(5)} == {200}
    assert [client.post("/limited-for-test").status_code for _ in range(3)] == [200, 200, 429]


def test_loading_a_form_hands_out_one_pass_per_browser(app):
    client = browser(app)
    csrf_token(client, "/receipt")
    with client.session_transaction() as stored:
        first = stored["intake_form_pass"]
    csrf_token(client, "/report")
    with client.session_transaction() as stored:
        assert stored["intake_form_pass"] == first
