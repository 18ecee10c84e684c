"""The blind index over people's names: keyed digests of name keys, written and searched.

Names are sealed (DESIGN §2), so search works by equality on ``person_name_token`` digests:
HMAC-SHA256 under a key derived from ``INDEX_KEY`` of each name key that ``tracker.names``
computes (``bo:tasi``, ``yue:chiying``...). Keys are computed where names are written, while
the server holds the plaintext; nothing new is stored in the clear. Someone holding the
database sees only which people share a digest and how often; with ``INDEX_KEY`` too they can
confirm guessed names, as before.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, exists, select as sa_select
from sqlmodel import Session, select

from ..crypto import get_sealer
from ..models import Person, PersonNameToken
from ..names import NameMatch, compare_names, families_for, name_keys, pair_part, query_alternatives

NAME_PURPOSE = "person.name"
PROBE = 200
RARE = 50


def name_digests(names: Iterable[dict[str, Any]], community: str | None) -> set[str]:
    """The digests a person with these names (and community) is indexed under."""
    sealer = get_sealer()
    families = families_for(community)
    keys: set[str] = set()
    for entry in names:
        keys |= name_keys(entry.get("name") or "", families)
    return {sealer.blind_index(NAME_PURPOSE, key) for key in keys}


def index_person_names(session: Session, person: Person) -> None:
    """Rewrite the person's digests from their current names (the caller holds them in the clear)."""
    session.execute(delete(PersonNameToken).where(PersonNameToken.person_id == person.id))
    for digest in sorted(name_digests(person.names or [], person.community)):
        session.add(PersonNameToken(person_id=person.id, digest=digest))
    session.flush()


def matching_person_ids(session: Session, query: str, *, limit: int = 200) -> list[int]:
    """Ids of people having a digest for every part of the query, under some grouping of its words."""
    sealer = get_sealer()
    digest_of: dict[str, str] = {}
    probes: dict[tuple[str, ...], list[int]] = {}
    found: dict[int, None] = {}
    def digests(part: set[str]) -> tuple[str, ...]:
        return tuple(sorted(digest_of.setdefault(key, sealer.blind_index(NAME_PURPOSE, key)) for key in part))

    for parts in query_alternatives(query):
        # Longer keys first: a given name or a whole name is usually rarer than a family name.
        ordered = sorted(parts, key=lambda part: -max(len(key) for key in part))
        pair = digests(pair_part(ordered[0], ordered[1])) if len(ordered) > 1 else ()
        found.update(dict.fromkeys(_people_with_every_part(
            session, [digests(part) for part in ordered], pair, probes, limit)))
        if len(found) >= limit:
            break
    return list(found)[:limit]


def _probe(session: Session, part: tuple[str, ...], probes: dict[tuple[str, ...], list[int]]) -> list[int]:
    """Up to ``PROBE`` ids of people holding a digest of this part (asked once per search)."""
    if part not in probes:
        token = PersonNameToken.__table__
        probes[part] = list(session.execute(
            sa_select(token.c.person_id).where(token.c.digest.in_(part)).limit(PROBE)).scalars())
    return probes[part]


def _people_with_every_part(session: Session, parts: list[tuple[str, ...]], pair: tuple[str, ...],
                            probes: dict[tuple[str, ...], list[int]], limit: int) -> list[int]:
    """People holding a digest of each part, walked from the rarest part so the cost stays bounded.

    A family name can be shared by a large share of all people; intersecting whole posting lists
    would grow with the database. Instead parts are probed (up to ``PROBE`` rows each) until one
    has fewer than ``RARE`` people; the rarest drives, and the other parts are checked per
    candidate through the primary key (person_id, digest).
    """
    sizes: list[list[int]] = []
    for part in parts:  # stop probing once a part is rare enough to drive
        sizes.append(_probe(session, part, probes))
        if len(sizes[-1]) < RARE:
            break
    rarest = min(range(len(sizes)), key=lambda i: len(sizes[i]))
    if not sizes[rarest]:
        return []  # some part is nobody's: no need to ask the database again
    if len(parts) == 1 and len(sizes[0]) < PROBE:
        return list(dict.fromkeys(sizes[0]))[:limit]  # the probe saw every one of them
    driving = parts[rarest]
    if pair and len(sizes[rarest]) >= RARE and len(_probe(session, pair, probes)) < len(sizes[rarest]):
        driving = pair  # two common words: start from the people who have both
    token = PersonNameToken.__table__
    driver = token.alias("driver")
    query = sa_select(driver.c.person_id).where(driver.c.digest.in_(driving)).distinct()
    for i, part in enumerate(parts):
        if part != driving:
            other = token.alias(f"part{i}")
            query = query.where(exists().where(other.c.person_id == driver.c.person_id, other.c.digest.in_(part)))
    return list(session.execute(query.limit(limit)).scalars())


def names_match(person: Person, other: Person) -> NameMatch | None:
    """The strongest match between any name of one person and any of the other's (opens both)."""
    best: NameMatch | None = None
    mine, theirs = families_for(person.community), families_for(other.community)
    for entry in person.names or []:
        for other_entry in other.names or []:
            found = compare_names(entry.get("name") or "", other_entry.get("name") or "", mine, theirs)
            if found and (best is None or found.strength > best.strength):
                best = found
    return best


def reindex_people(session: Session, *, batch: int = 500) -> int:
    """Recompute every person's digests from their sealed names, e.g. after the keys changed.

    It opens sealed names, so it needs the organisation key unlocked (a staff request or a
    command run by a signed-in admin): it is not for a background job.
    """
    count, last_id = 0, 0
    while True:
        people = session.exec(select(Person).where(Person.id > last_id).order_by(Person.id).limit(batch)).all()
        if not people:
            return count
        for person in people:
            index_person_names(session, person)
        count += len(people)
        last_id = people[-1].id
        session.commit()
