"""The staff JSON API for a case's people and follow-ups, and the token owner's inbox.

Reuses the notices of tracker.notify (issue 12 §5) and the case functions of tracker.casework;
a case outside the caseworker's scope is a 404, and a notice is only ever its owner's.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from flask import g, jsonify
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlmodel import select

from ..casework.cases import attach_person, detach_person, get_case
from ..casework.errors import NotFound
from ..casework.people import get_person
from ..db import get_session
from ..models import FollowUp, Notification
from ..models.base import utcnow
from ..notify.notices import mark_read, schedule_follow_up, unread
from . import bp
from .casework import body_of, built_on_first_use, caseworker_token, fail, json_of, operation, path_id, schemas_of

MAX_EVERY_DAYS = 3660


class FollowUpCreate(BaseModel):
    """What to do on a case, from which day, and every how many days (null: once)."""

    model_config = ConfigDict(extra="forbid")

    what: str = Field(min_length=1, max_length=500)
    first_due: date
    every_days: int | None = Field(default=None, ge=1, le=MAX_EVERY_DAYS)

    @field_validator("what")
    @classmethod
    def not_blank(cls, value: str) -> str:
        """A task of only spaces says nothing."""
        if not value.strip():
            raise ValueError("say what to do")
        return value.strip()


class CasePersonAdd(BaseModel):
    """A person to put on a case, with their role in it."""

    model_config = ConfigDict(extra="forbid")

    person_id: int
    role: str | None = Field(default=None, max_length=40)


def tagged(documented: dict[str, Any], *, invalid: bool = False) -> dict[str, Any]:
    """Tag an operation "follow-up" and, when it reads input, document the 422 answer."""
    documented["tags"] = ["follow-up"]
    if invalid:
        documented["responses"].setdefault("422", {"description": "Invalid fields", "content": json_of("Error")})
    return documented


CASE_ID = (path_id("case_id"),)
# OPENAPI_SCHEMAS is built on first use (see built_on_first_use).
__getattr__ = built_on_first_use(globals(), OPENAPI_SCHEMAS=lambda: schemas_of(
    FollowUpCreate=FollowUpCreate, CasePersonAdd=CasePersonAdd))
OPENAPI_PATHS: dict[str, Any] = {
    "/cases/{case_id}/follow-ups": {
        "get": tagged(operation("The case's active follow-ups, soonest first", "listFollowUps", parameters=CASE_ID)),
        "post": tagged(operation("Schedule a follow-up on the case", "scheduleFollowUp", body="FollowUpCreate",
                                 created=True, parameters=CASE_ID), invalid=True)},
    "/cases/{case_id}/people": {"post": tagged(operation(
        "Put a person on the case with a role (again: changes the role)", "attachCasePerson",
        body="CasePersonAdd", parameters=CASE_ID), invalid=True)},
    "/cases/{case_id}/people/{person_id}": {"delete": tagged(operation(
        "Take a person off the case (the person's record stays)", "detachCasePerson",
        parameters=(*CASE_ID, path_id("person_id"))))},
    "/inbox": {"get": tagged(operation("Your unread notices, newest first (kinds and ids only)", "getInbox"))},
    "/inbox/{notice_id}/read": {"post": tagged(operation("Mark one of your notices read", "readNotice",
                                                         parameters=(path_id("notice_id"),)))},
}


def follow_up_json(row: FollowUp) -> dict[str, Any]:
    """A follow-up: what (sealed at rest), when next, how often."""
    return {"id": row.id, "case_id": row.case_id, "what": row.what, "next_due_at": row.next_due_at.isoformat(),
            "every_days": row.every_days, "active": row.active}


def notice_json(notice: Notification) -> dict[str, Any]:
    """A notice: a kind and an object, never a name or a text."""
    return {"id": notice.id, "kind": notice.kind, "object_type": notice.object_type, "object_id": notice.object_id,
            "created_at": notice.created_at.isoformat()}


@bp.get("/cases/<int:case_id>/follow-ups")
@caseworker_token
def api_follow_ups(case_id: int):
    """The active follow-ups of a case."""
    session = get_session()
    case = get_case(session, case_id)
    rows = session.exec(select(FollowUp).where(FollowUp.case_id == case.id, FollowUp.active.is_(True))
                        .order_by(FollowUp.next_due_at)).all()
    return jsonify({"case_id": case.id, "follow_ups": [follow_up_json(row) for row in rows]})


@bp.post("/cases/<int:case_id>/follow-ups")
@caseworker_token
def api_schedule_follow_up(case_id: int):
    """Schedule a follow-up; the case's caseworker is notified when it falls due."""
    session = get_session()
    case = get_case(session, case_id)
    data = body_of(FollowUpCreate)
    row = schedule_follow_up(session, case, data.what, first_due=datetime.combine(data.first_due, time.min, UTC),
                             every_days=data.every_days, user_id=g.api_user.id)
    session.commit()
    return jsonify(follow_up_json(row)), 201


@bp.post("/cases/<int:case_id>/people")
@caseworker_token
def api_attach_case_person(case_id: int):
    """Put a person on the case with their role in it."""
    session = get_session()
    case = get_case(session, case_id)
    data = body_of(CasePersonAdd)
    attach_person(session, case, get_person(session, data.person_id), data.role, user_id=g.api_user.id)
    session.commit()
    return jsonify({"case_id": case.id, "person_id": data.person_id, "role": data.role})


@bp.delete("/cases/<int:case_id>/people/<int:person_id>")
@caseworker_token
def api_detach_case_person(case_id: int, person_id: int):
    """Take a person off the case."""
    session = get_session()
    case = get_case(session, case_id)
    detach_person(session, case, get_person(session, person_id), user_id=g.api_user.id)
    session.commit()
    return jsonify({"case_id": case.id, "person_id": person_id, "removed": True})


@bp.get("/inbox")
@caseworker_token
def api_inbox():
    """The token owner's unread notices."""
    return jsonify({"notices": [notice_json(n) for n in unread(get_session(), g.api_user.id)],
                    "at": utcnow().isoformat()})


@bp.post("/inbox/<int:notice_id>/read")
@caseworker_token
def api_read_notice(notice_id: int):
    """Mark one of the token owner's notices read; someone else's is a 404."""
    session = get_session()
    if not mark_read(session, g.api_user.id, notice_id):
        return fail(NotFound(f"notice {notice_id}"))
    session.commit()
    return jsonify({"id": notice_id, "read": True})
