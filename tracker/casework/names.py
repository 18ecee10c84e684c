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
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, delete, exists, literal, select as sa_select, union_all
from sqlmodel import Session, select

from ..crypto import SealedValueLocked, get_sealer
from ..models import Person, PersonNameToken
from ..models.types import Locked
from ..names import (
    NameMatch, candidate_keys, compare_names, families_for, name_keys, pair_part, query_alternatives,
)

NAME_PURPOSE = "person.name"
PROBE = 50


def name_digests(names: Iterable[dict[str, Any]], community: str | None) -> set[str]:
    """The digests a person with these names (and community) is indexed under."""
    sealer = get_sealer()
    families = families_for(community)
    keys: set[str] = set()
    for entry in names:
        keys |= name_keys(entry.get("name") or "", families)
    return {sealer.blind_index(NAME_PURPOSE, key) for key in keys}


def candidate_digests(person: Person) -> list[str]:
    """Digests of the keys a likely duplicate shares with this person (see ``candidate_keys``)."""
    sealer = get_sealer()
    families = families_for(person.community)
    keys = {key for entry in person.names or [] for key in candidate_keys(entry.get("name") or "", families)}
    return sorted({sealer.blind_index(NAME_PURPOSE, key) for key in keys})


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

    def digests(part: set[str]) -> tuple[str, ...]:
        return tuple(sorted(digest_of.setdefault(key, sealer.blind_index(NAME_PURPOSE, key)) for key in part))

    searches = []
    for parts in query_alternatives(query):
        pair = digests(pair_part(parts[0], parts[1])) if len(parts) > 1 else ()
        searches.append(([digests(part) for part in parts], pair))
    probes = _probe_all(session, [part for parts, pair in searches for part in (*parts, pair) if part])
    found: dict[int, None] = {}
    walks: list[Walk] = []
    for parts, pair in searches:
        answer = _people_with_every_part(parts, pair, probes, limit)
        if isinstance(answer, list):
            found.update(dict.fromkeys(answer))
        else:
            walks.append(answer)
    if walks and len(found) < limit:  # every walk in one statement
        statement = _walk_statement(tuple(len(others) for _, others in walks))
        params: dict[str, Any] = {"limit": limit}
        for number, (driving, others) in enumerate(walks):
            params[f"w{number}"] = list(driving)
            params.update({f"w{number}_{i}": list(part) for i, part in enumerate(others)})
        found.update(dict.fromkeys(session.execute(statement, params).scalars().all()))
    return list(found)[:limit]


# A walk: the digests of the part it starts from, and those of each part checked per person.
Walk = tuple[tuple[str, ...], list[tuple[str, ...]]]

# The statements below are built once per shape (how many parts, how many walks) and cached:
# building SQLAlchemy aliases and subqueries costs more CPU than running the statement, and it
# is the same work at any size of database. Digests go in as expanding bound parameters.
_TOKEN = PersonNameToken.__table__


@lru_cache(maxsize=64)
def _probe_statement(count: int) -> Select:
    """Up to ``PROBE`` person ids for each of ``count`` parts (parameters ``p0``...), tagged by part."""
    selects = []
    for number in range(count):
        limited = (sa_select(_TOKEN.c.person_id).where(_TOKEN.c.digest.in_(bindparam(f"p{number}", expanding=True)))
                   .limit(PROBE).subquery(f"probe{number}"))
        selects.append(sa_select(literal(number).label("part"), limited.c.person_id))
    return selects[0] if count == 1 else union_all(*selects)


@lru_cache(maxsize=256)
def _walk_statement(shape: tuple[int, ...]) -> Select:
    """People reached by each walk: from its driving part (``w0``...), checking each other part
    (``w0_0``...) through the primary key; ``shape`` gives the number of other parts per walk."""
    selects = []
    for number, others in enumerate(shape):
        driver = _TOKEN.alias(f"driver{number}")
        query = sa_select(driver.c.person_id).where(driver.c.digest.in_(bindparam(f"w{number}", expanding=True)))
        for i in range(others):
            other = _TOKEN.alias(f"part{number}_{i}")
            query = query.where(exists().where(other.c.person_id == driver.c.person_id,
                                               other.c.digest.in_(bindparam(f"w{number}_{i}", expanding=True))))
        walk = query.distinct().limit(bindparam("limit")).subquery(f"walk{number}")
        selects.append(sa_select(walk.c.person_id))
    return selects[0] if len(selects) == 1 else union_all(*selects)


def _probe_all(session: Session, parts: list[tuple[str, ...]]) -> dict[tuple[str, ...], list[int]]:
    """Up to ``PROBE`` ids of people holding a digest of each part, all parts in one statement."""
    unique = list(dict.fromkeys(parts))
    probes: dict[tuple[str, ...], list[int]] = {part: [] for part in unique}
    if not unique:
        return probes
    params = {f"p{number}": list(part) for number, part in enumerate(unique)}
    for number, person_id in session.execute(_probe_statement(len(unique)), params).all():
        probes[unique[number]].append(person_id)
    return probes


def _people_with_every_part(parts: list[tuple[str, ...]], pair: tuple[str, ...],
                            probes: dict[tuple[str, ...], list[int]], limit: int) -> list[int] | Walk:
    """People holding a digest of each part (or the walk that reaches them), driven from the rarest part.

    A family name can be shared by a large share of all people; intersecting whole posting lists
    would grow with the database. Each part was probed up to ``PROBE`` rows: if every probe saw
    all its people, the answer is their intersection; otherwise the rarest part drives (or, when
    every part is common, the pair key of the first two) and the other parts are checked per
    candidate through the primary key (person_id, digest).
    """
    seen = [probes[part] for part in parts]
    if all(len(ids) < PROBE for ids in seen):
        common = set.intersection(*(set(ids) for ids in seen))
        return [pid for pid in dict.fromkeys(seen[0]) if pid in common][:limit]
    rarest = min(range(len(parts)), key=lambda i: len(seen[i]))
    driving = parts[rarest]
    if pair and len(seen[rarest]) >= PROBE and len(probes[pair]) < PROBE:
        driving = pair  # two common words: start from the people who have both
    return driving, [part for part in parts if part != driving]


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
            if isinstance(person.names, Locked):  # never index "[sealed]" in place of a name
                raise SealedValueLocked("the organisation key is not open: names cannot be re-indexed")
            index_person_names(session, person)
        count += len(people)
        last_id = people[-1].id
        session.commit()
