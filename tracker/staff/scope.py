"""Need to know: the communities whose records the person making this request may see.

Set when a request proves who it is (a signed-in session in ``role_required``, an API token in
``token_required``) and read by the casework layer, which hides everything else as if it did not
exist (tracker.casework.need_to_know). A request with no scope set is a command run on the
server itself, which has no personal data open unless a person unlocked it.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import g, has_request_context

EVERY_COMMUNITY = "*"
NO_COMMUNITY = "unassigned"
_G_SLOT = "staff_scope"


@dataclass(frozen=True)
class Scope:
    """Whose records one staff member may see."""

    user_id: int
    communities: frozenset[str]

    @property
    def everything(self) -> bool:
        """A member of every community."""
        return EVERY_COMMUNITY in self.communities

    def allows(self, community: str | None) -> bool:
        """Whether a record of this community (None: not yet known) is visible."""
        return self.everything or (community or NO_COMMUNITY) in self.communities


def set_scope(user_id: int, communities: list[str] | None) -> None:
    """Record the scope of the person this request acts for."""
    g.setdefault(_G_SLOT, None)
    setattr(g, _G_SLOT, Scope(user_id, frozenset(communities or ())))


def clear_scope() -> None:
    """Forget the previous request's scope (an app context may outlive a request in tests)."""
    g.pop(_G_SLOT, None)


def current_scope() -> Scope | None:
    """The scope of this request, or None outside a staff request."""
    return g.get(_G_SLOT) if has_request_context() else None
