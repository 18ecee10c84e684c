"""Saved queue searches: the terms are kept sealed on the server and found again by id.

A name typed into the queue's search box must not travel in a URL, where it would land in the
browser's history, a proxy's log or a Referer (DESIGN §2: the adversary wants to learn who the
organisation knows about). The form is POSTed, the terms are stored here, and the queue's URL
carries only the id, which opens nothing for anyone but the caseworker who saved it.
"""
from __future__ import annotations

from sqlmodel import Session, select

from ..models import SavedSearch

TERM_LENGTH = 200
KEPT_PER_USER = 20  # older searches are deleted: they hold names and are not needed again


def save_search(session: Session, user_id: int, query: str | None, words: str | None) -> SavedSearch | None:
    """Store the terms for this caseworker (None when both are empty) and prune old ones."""
    query = (query or "").strip()[:TERM_LENGTH] or None
    words = (words or "").strip()[:TERM_LENGTH] or None
    if query is None and words is None:
        return None
    search = SavedSearch(user_id=user_id, query=query, words=words)
    session.add(search)
    session.flush()
    older = session.exec(select(SavedSearch.id).where(SavedSearch.user_id == user_id)
                         .order_by(SavedSearch.id.desc()).offset(KEPT_PER_USER)).all()
    for search_id in older:
        session.delete(session.get(SavedSearch, search_id))
    return search


def saved_search(session: Session, user_id: int, search_id: int | None) -> SavedSearch | None:
    """The caseworker's own saved search with this id; None if missing or someone else's."""
    if search_id is None:
        return None
    search = session.get(SavedSearch, search_id)
    return search if search is not None and search.user_id == user_id else None
