"""What the person asking may see: records of their communities only (issue 16 §4).

A record outside the scope is treated exactly like one that does not exist (404, absent from
lists and searches), so a caseworker cannot even learn that a report about another community
exists. Reports, incidents and people carry their community; a case is visible through its
primary person's community or to the caseworker it is assigned to; evidence and relationships
through the report or person they belong to.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import or_
from sqlmodel import Session

from ..models import Case, Evidence, Incident, Person, PersonRelationship, Report
from ..staff.scope import EVERY_COMMUNITY, NO_COMMUNITY, Scope, current_scope


def community_clause(column: Any, scope: Scope | None = None) -> Any | None:
    """A WHERE clause limiting ``column`` (a community) to the scope; None when nothing is hidden."""
    scope = scope or current_scope()
    if scope is None or scope.everything:
        return None
    codes = sorted(scope.communities - {EVERY_COMMUNITY, NO_COMMUNITY})
    clause = column.in_(codes)
    return or_(clause, column.is_(None)) if NO_COMMUNITY in scope.communities else clause


def case_clause(scope: Scope | None = None) -> Any | None:
    """A WHERE clause for cases (joined to their primary person as ``Person``)."""
    scope = scope or current_scope()
    clause = community_clause(Person.community, scope)
    if clause is None:
        return None
    return or_(clause, Case.assigned_to_id == scope.user_id)


def visible(session: Session, row: Any) -> bool:
    """Whether the person asking may see this row (always, outside a staff request)."""
    scope = current_scope()
    if scope is None or scope.everything or row is None:
        return True
    if isinstance(row, Report | Incident | Person):
        return scope.allows(row.community)
    if isinstance(row, Case):
        if row.assigned_to_id == scope.user_id:
            return True
        person = session.get(Person, row.primary_person_id) if row.primary_person_id else None
        return scope.allows(person.community if person else None)
    if isinstance(row, Evidence):
        return row.report_id is None or visible(session, session.get(Report, row.report_id))
    if isinstance(row, PersonRelationship):
        return visible(session, session.get(Person, row.person_id))
    return True
