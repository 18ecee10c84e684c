"""The staff navigation: each area adds its pages here, and each person sees the ones their role may open."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from flask_login import current_user


@dataclass(frozen=True)
class NavItem:
    """A link in the staff navigation, shown to the given roles only."""

    endpoint: str
    label: str
    roles: tuple[str, ...]


def add_nav_item(app: Flask, endpoint: str, label: str, roles: tuple[str, ...]) -> None:
    """Register a navigation link (call from an area's init_app; labels are translated at render)."""
    app.extensions.setdefault("tracker.staff_nav", []).append(NavItem(endpoint, label, roles))


def nav_items() -> list[NavItem]:
    """The links the signed-in person's role may follow, in registration order."""
    if not current_user.is_authenticated:
        return []
    items = current_app.extensions.get("tracker.staff_nav", [])
    return [item for item in items if current_user.role in item.roles]
