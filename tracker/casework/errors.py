"""Domain exceptions of casework; views turn them into 404s, 409s and form errors."""
from __future__ import annotations


class CaseworkError(Exception):
    """A casework operation could not be done as asked."""


class NotFound(CaseworkError):
    """The report, incident, person or case does not exist (or was merged away)."""


class InvalidTransition(CaseworkError):
    """The object is not in a state that allows this action (e.g. triaging an accepted report)."""


class Conflict(CaseworkError):
    """The change would contradict existing data (a duplicate of itself, a merge loop...)."""
