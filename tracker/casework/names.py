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

from sqlalchemy import (
    Integer, Select, and_, bindparam, cast, delete, exists, func, literal, null, or_, select as sa_select,
    union_all,
)
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
    """Ids of people having a digest for every part of the query, under some grouping of its words.

    One statement answers almost every query, whatever the size of the database: for each way of
    grouping the query's words it probes every part (and the pair key of the first two parts) for
    at most ``PROBE`` people, and where a probe saw all of a part's people it checks each of them
    for the other parts through the primary key (person_id, digest). A part seen whole gives the
    complete answer; so does the pair key for short names. Only a query made of common words alone
    (a frequent family name and a frequent given name, both in many short names) needs a second
    statement, walking from its first part up to ``limit`` people.
    """
    sealer = get_sealer()
    digest_of: dict[str, str] = {}

    def digests(part: set[str]) -> tuple[str, ...]:
        return tuple(sorted(digest_of.setdefault(key, sealer.blind_index(NAME_PURPOSE, key)) for key in part))

    searches: list[tuple[list[tuple[str, ...]], tuple[str, ...]]] = []
    for parts in query_alternatives(query):
        pair = digests(pair_part(parts[0], parts[1])) if len(parts) > 1 else ()
        searches.append(([digests(part) for part in parts], pair))
    if not searches:
        return []
    shape = tuple((len(parts), bool(pair)) for parts, pair in searches)
    params: dict[str, Any] = {"probe": PROBE, "limit": limit}
    for number, (parts, pair) in enumerate(searches):
        params.update({f"a{number}_{i}": list(part) for i, part in enumerate((*parts, pair)) if part})
    counts: dict[tuple[int, int], int] = {}
    people: dict[tuple[int, int], list[int]] = {}
    for number, start, person_id, count in session.execute(_search_statement(shape), params).all():
        if person_id is None:
            counts[number, start] = count
        else:
            people.setdefault((number, start), []).append(person_id)
    found: dict[int, None] = {}
    walks: list[tuple[int, int]] = []  # (search, parts) of the searches every probe of which was cut off
    for number, (parts, pair) in enumerate(searches):
        whole = [start for start in range(len(parts) + bool(pair))
                 if len(parts) == 1 or counts.get((number, start), 0) < PROBE]
        if whole:
            found.update(dict.fromkeys(people.get((number, whole[0]), [])))
        else:
            walks.append((number, len(parts)))
    if walks and len(found) < limit:  # every walk in one statement
        found.update(dict.fromkeys(session.execute(_walk_statement(tuple(walks)), params).scalars().all()))
    return list(found)[:limit]


def holds_name(person_id, query: str):
    """A condition on a person id column: that person has a digest of every part of the query
    under some grouping of its words (the rule of ``matching_person_ids``, checked row by row
    through the primary key (person_id, digest)); None for a query with no name in it."""
    sealer = get_sealer()
    alternatives = [[sorted({sealer.blind_index(NAME_PURPOSE, key) for key in part}) for part in parts]
                    for parts in query_alternatives(query)]
    if not alternatives:
        return None
    return or_(*(and_(*(exists().where(_TOKEN.c.person_id == person_id, _TOKEN.c.digest.in_(part))
                        for part in parts)) for parts in alternatives))


# The statements below are built once per shape (how many groupings, how many parts each) and
# cached: building SQLAlchemy aliases and subqueries costs more CPU than running the statement,
# and it is the same work at any size of database. Digests go in as expanding bound parameters
# named ``a{search}_{part}`` (the pair key of a search is its part number len(parts)).
_TOKEN = PersonNameToken.__table__
_NONE = cast(null(), Integer)  # typed, so PostgreSQL can match the columns of the UNION


def _has_part(person_id, name: str):
    """Whether this person holds a digest of the part bound to parameter ``name``."""
    other = _TOKEN.alias()
    return exists().where(other.c.person_id == person_id, other.c.digest.in_(bindparam(name, expanding=True)))


def _probe(name: str, limit: str, *, people: bool = False):
    """At most ``limit`` rows of people holding a digest of the part bound to ``name``.

    A person holds several digests of one part (one per reading), so rows are not people. A
    probe that only has to tell whether it saw the whole part counts rows (fewer rows than the
    limit: it saw them all); ``people`` makes each person one row, for a one-part search whose
    limit is a number of people (without it a search could return fewer than it had room for).
    """
    statement = sa_select(_TOKEN.c.person_id).where(_TOKEN.c.digest.in_(bindparam(name, expanding=True)))
    return (statement.distinct() if people else statement).limit(bindparam(limit)).subquery()


@lru_cache(maxsize=256)
def _search_statement(shape: tuple[tuple[int, bool], ...]) -> Select:
    """Rows (search, start, person_id, NULL) of the people each part's probe reaches who hold every
    other part, when that probe saw all of the part's people; and (search, start, NULL, count) of
    each probe. ``shape`` gives, per search, its number of parts and whether it has a pair key."""
    selects = []
    for number, (count, has_pair) in enumerate(shape):
        starts = list(range(count)) + ([count] if has_pair else [])
        for start in starts:
            if count == 1:  # one part: its people are the answer, up to the limit
                probe = _probe(f"a{number}_0", "limit", people=True)
                selects.append(sa_select(literal(number), literal(start), probe.c.person_id, _NONE))
                continue
            checked = range(2, count) if start == count else (i for i in range(count) if i != start)
            probe = _probe(f"a{number}_{start}", "probe")
            seen = sa_select(func.count()).select_from(_probe(f"a{number}_{start}", "probe")).scalar_subquery()
            selects.append(sa_select(literal(number), literal(start), probe.c.person_id, _NONE)
                           .where(seen < bindparam("probe"), *(_has_part(probe.c.person_id, f"a{number}_{i}")
                                                                for i in checked)))
            selects.append(sa_select(literal(number), literal(start), _NONE, seen))
    return selects[0] if len(selects) == 1 else union_all(*selects)


@lru_cache(maxsize=256)
def _walk_statement(walks: tuple[tuple[int, int], ...]) -> Select:
    """Up to ``limit`` people per search who hold every part, walking from its first part."""
    selects = []
    for number, count in walks:
        driver = _TOKEN.alias()
        walk = (sa_select(driver.c.person_id)
                .where(driver.c.digest.in_(bindparam(f"a{number}_0", expanding=True)),
                       *(_has_part(driver.c.person_id, f"a{number}_{i}") for i in range(1, count)))
                .distinct().limit(bindparam("limit")).subquery())
        selects.append(sa_select(walk.c.person_id))
    return selects[0] if len(selects) == 1 else union_all(*selects)


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
