"""Domain exceptions of casework; views turn them into 404s, 409s and form errors."""
from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session

from .need_to_know import visible

Row = TypeVar("Row")


class CaseworkError(Exception):
    """A casework operation could not be done as asked."""


class NotFound(CaseworkError):
    """The report, incident, person or case does not exist (or was merged away)."""


class InvalidTransition(CaseworkError):
    """The object is not in a state that allows this action (e.g. triaging an accepted report)."""


class Conflict(CaseworkError):
    """The change would contradict existing data (a duplicate of itself, a merge loop...)."""


def get_or_not_found(session: Session, model: type[Row], object_id: int, name: str) -> Row:
    """The row of ``model`` with this id; NotFound ("report 42") if there is none."""
    row = session.get(model, object_id)
    # A record outside the asker's communities looks exactly like one that does not exist.
    if row is None or not visible(session, row):
        raise NotFound(f"{name} {object_id}")
    return row
