"""Giving an account more access takes a second admin, or one admin and a notified delay
(issue 16 §4)."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from tests.conftest import post_form
from tests.factories import make_user
from tracker.models import AccessRequest, AuditEvent, User


def _ask(client, url: str, data: dict | None = None):
    return post_form(client, url, data or {}, form_url="/staff/admin/users")


def _pending(session, user_id: int) -> AccessRequest:
    session.expire_all()
    return session.exec(select(AccessRequest).where(AccessRequest.user_id == user_id,
                                                    AccessRequest.status == "pending")).one()


def test_an_admin_cannot_approve_their_own_request_while_another_admin_exists(admin_client, second_admin,
                                                                             session):
    worker = make_user(session, granted=False)
    _ask(admin_client, f"/staff/admin/users/{worker.id}/grant-access")
    row = _pending(session, worker.id)
    _ask(admin_client, f"/staff/admin/requests/{row.id}/apply")
    assert "Another admin must approve this" in admin_client.get("/staff/admin/users").get_data(as_text=True)
    session.refresh(worker)
    assert worker.org_key_grant is None and _pending(session, worker.id).id == row.id
    second_admin.approve(worker.id)
    session.refresh(worker)
    assert worker.org_key_grant is not None
    decided = session.get(AccessRequest, row.id)
    assert (decided.status, decided.decided_by_id) == ("applied", second_admin.admin.id)
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.object_id == str(worker.id))).all()
    assert {"access.request", "access.apply"} <= set(actions)


def test_a_lone_admin_waits_out_the_delay_while_the_request_is_shown(admin_client, session, staff_clock, app):
    worker = make_user(session, granted=False)
    _ask(admin_client, f"/staff/admin/users/{worker.id}/grant-access")
    row = _pending(session, worker.id)
    listing = admin_client.get("/staff/admin/users").get_data(as_text=True)
    assert "Changes waiting for approval" in listing and worker.email in listing
    _ask(admin_client, f"/staff/admin/requests/{row.id}/apply")
    session.refresh(worker)
    assert worker.org_key_grant is None  # too early
    staff_clock.advance(app.config.get("ACCESS_CHANGE_DELAY_HOURS", 24) * 3600 + 60)
    from tests.conftest import login_as

    login_as(admin_client, admin_client.admin)  # the admin's session expired meanwhile
    _ask(admin_client, f"/staff/admin/requests/{row.id}/apply")
    session.refresh(worker)
    assert worker.org_key_grant is not None


def test_communities_change_only_when_approved_and_a_refusal_changes_nothing(admin_client, second_admin, session):
    worker = make_user(session, communities=[])
    _ask(admin_client, f"/staff/admin/users/{worker.id}/communities", {"communities": ["uyghur", "tibetan", "x"]})
    row = _pending(session, worker.id)
    assert row.communities == ["uyghur", "tibetan"]  # unknown codes dropped
    assert session.get(User, worker.id).communities == []
    second_admin.approve(worker.id)
    session.expire_all()
    assert session.get(User, worker.id).communities == ["tibetan", "uyghur"]
    _ask(admin_client, f"/staff/admin/users/{worker.id}/communities", {"communities": ["*"]})
    refused = _pending(session, worker.id)
    _ask(second_admin, f"/staff/admin/requests/{refused.id}/refuse")
    session.expire_all()
    assert session.get(User, worker.id).communities == ["tibetan", "uyghur"]
    assert session.get(AccessRequest, refused.id).status == "refused"


def test_an_account_made_on_the_admin_page_gets_no_key_until_approved(admin_client, second_admin, session):
    _ask(admin_client, "/staff/admin/users/new", {"email": "newcomer@example.org", "role": "caseworker"})
    user = session.exec(select(User).where(User.email == "newcomer@example.org")).one()
    assert user.org_key_grant is None and user.communities == []
    second_admin.approve(user.id)
    session.refresh(user)
    assert user.org_key_grant is not None


def test_the_delay_is_measured_from_the_request(admin_client, session):
    worker = make_user(session, granted=False)
    _ask(admin_client, f"/staff/admin/users/{worker.id}/grant-access")
    row = _pending(session, worker.id)
    assert row.not_before - row.requested_at >= timedelta(hours=1)
