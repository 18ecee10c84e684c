"""Known people for a batch of imported names: the search's rule, a few statements per batch.

A person imported under a name is linked to a known person when exactly one person of the same
community, not a group and visible to the importer, is found by that name as people search finds
it (``tracker.casework.names.matching_person_ids``: for some grouping of the name's words, the
person has a key of every group). Asking that once per name was three or four statements per
name; here every name of a batch is answered from one probe of the blind index (at most
``PROBE`` people per digest) and one check of the candidates' digests, and only names made of
common words alone fall back to the search itself. No sealed name is read: only digests of the
names being imported, which the importer holds in the clear.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, text
from sqlmodel import Session

from ..casework.names import NAME_PURPOSE, PROBE, matching_person_ids
from ..crypto import get_sealer
from ..models import Person, PersonNameToken
from ..names import pair_part, query_alternatives
from ..staff.scope import current_scope

Search = tuple[list[tuple[str, ...]], tuple[str, ...]]  # parts (digests each), pair of the first two parts
FALLBACK_LIMIT = 50
CHUNK = 500


def matching_ids(session: Session, names: Iterable[str]) -> dict[str, set[int]]:
    """For each name, the ids of every person people search finds by it (merged people included).

    Most imported names match nobody, so each grouping of a name's words is first probed by its
    most specific part only (the longest words): nobody holding it settles that grouping. The
    other parts (and the pair key) are digested and probed only for groupings that found someone.
    """
    sealer = get_sealer()
    digest_of: dict[str, str] = {}

    def digest(key: str) -> str:
        found = digest_of.get(key)
        if found is None:
            found = digest_of[key] = sealer.blind_index(NAME_PURPOSE, key)
        return found

    def digests(keys: set[str]) -> tuple[str, ...]:
        return tuple(sorted(digest(key) for key in keys))

    groupings = {name: query_alternatives(name) for name in dict.fromkeys(names)}
    first = {(name, number): max(range(len(parts)), key=lambda i: min((len(key) for key in parts[i]), default=0))
             for name, alternatives in groupings.items() for number, parts in enumerate(alternatives)}
    postings = _probe(session, sorted({digest for (name, number), part in first.items()
                                       for digest in digests(groupings[name][number][part])}))
    searches: list[tuple[str, Search]] = []
    for (name, number), part in first.items():
        parts = groupings[name][number]
        if _part_people(digests(parts[part]), postings) == set():
            continue  # nobody has the most specific part: nobody has them all
        searches.append((name, ([digests(keys) for keys in parts],
                                digests(pair_part(parts[0], parts[1])) if len(parts) > 1 else ())))
    postings |= _probe(session, sorted(set(digest_of.values()) - set(postings)))
    found: dict[str, set[int]] = {name: set() for name in groupings}
    to_check: list[tuple[str, int, list[tuple[str, ...]]]] = []  # name, candidate, parts it must have
    for name, (parts, pair) in searches:
        people = [_part_people(part, postings) for part in parts]
        if all(ids is not None for ids in people):
            found[name] |= set.intersection(*people)
            continue
        complete = [(len(ids), number) for number, ids in enumerate(people) if ids is not None]
        if not complete and pair and _part_people(pair, postings) is not None:
            to_check += [(name, person, parts) for person in _part_people(pair, postings)]
        elif complete:
            driving = min(complete)[1]
            others = [part for number, part in enumerate(parts) if number != driving]
            to_check += [(name, person, others) for person in people[driving]]
        else:  # every word common and no pair to start from: the search walks the index itself
            found[name] |= set(matching_person_ids(session, name, limit=FALLBACK_LIMIT))
    held = _digests_held(session, {person for _name, person, _parts in to_check},
                         {digest for _n, _p, parts in to_check for part in parts for digest in part})
    for name, person, parts in to_check:
        if all(held.get(person, set()).intersection(part) for part in parts):
            found[name].add(person)
    return found


def _part_people(part: tuple[str, ...], postings: dict[str, list[int]]) -> set[int] | None:
    """Everyone holding a digest of the part, or None when a digest's probe was cut off at PROBE."""
    people: set[int] = set()
    for digest in part:
        ids = postings.get(digest, [])
        if len(ids) >= PROBE:
            return None
        people.update(ids)
    return people


def _probe(session: Session, digests: list[str]) -> dict[str, list[int]]:
    """Up to PROBE people per digest: one statement on PostgreSQL, SQLite's cached statement per digest."""
    postings: dict[str, list[int]] = {digest: [] for digest in digests}
    if not digests:
        return postings
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(text(
            "SELECT d.digest, t.person_id FROM unnest(CAST(:digests AS text[])) AS d(digest) "
            "CROSS JOIN LATERAL (SELECT person_id FROM person_name_token "
            "WHERE digest = d.digest LIMIT :probe) AS t"), {"digests": digests, "probe": PROBE})
        for digest, person_id in rows:
            postings.setdefault(digest, []).append(person_id)
        return postings
    # In-process SQLite: a prepared statement run per digest costs microseconds, and LIMIT keeps
    # a family name shared by thousands to PROBE rows.
    cursor = session.connection().connection.cursor()
    try:
        for digest in digests:
            cursor.execute("SELECT person_id FROM person_name_token WHERE digest = ? LIMIT ?", (digest, PROBE))
            postings[digest] = [row[0] for row in cursor.fetchall()]
    finally:
        cursor.close()
    return postings


def _digests_held(session: Session, people: set[int], digests: set[str]) -> dict[int, set[str]]:
    """Which of these digests each of these people holds."""
    held: dict[int, set[str]] = {}
    ordered, wanted = sorted(people), sorted(digests)
    token = PersonNameToken.__table__
    for start in range(0, len(ordered), CHUNK):
        for part in range(0, len(wanted), CHUNK):
            rows = session.execute(select(token.c.person_id, token.c.digest).where(
                token.c.person_id.in_(ordered[start:start + CHUNK]), token.c.digest.in_(wanted[part:part + CHUNK])))
            for person_id, digest in rows:
                held.setdefault(person_id, set()).add(digest)
    return held


def survivors(session: Session, ids: set[int]) -> dict[int, tuple[int, str, str | None, bool]]:
    """Each id's person after merges (id, pseudonym, community, is a group), read in a few statements."""
    rows: dict[int, tuple] = {}
    person = Person.__table__
    wanted = set(ids)
    while wanted:
        chunk = sorted(wanted)
        for start in range(0, len(chunk), CHUNK):
            for row in session.execute(select(person.c.id, person.c.pseudonym, person.c.community, person.c.is_group,
                                              person.c.merged_into_id).where(
                                                  person.c.id.in_(chunk[start:start + CHUNK]))):
                rows[row.id] = tuple(row)
        wanted = {row[4] for row in rows.values() if row[4] is not None and row[4] not in rows}
    resolved = {}
    for person_id in ids:
        seen, current = {person_id}, rows.get(person_id)
        while current is not None and current[4] is not None and current[4] not in seen:
            seen.add(current[4])
            current = rows.get(current[4])
        if current is not None:
            resolved[person_id] = current[:4]
    return resolved


def known_people(session: Session, people: dict[bytes, tuple[str | None, list[str]]]) -> dict[bytes, tuple[int, str]]:
    """The one known person each imported person (key: community, names) is, where exactly one fits."""
    matches = matching_ids(session, (name for _community, names in people.values() for name in names))
    resolved = survivors(session, set().union(*matches.values()) if matches else set())
    scope = current_scope()
    found = {}
    for key, (community, names) in people.items():
        candidates = {resolved[i][:2] for name in names for i in matches.get(name, ()) if i in resolved
                      and resolved[i][2] == community and not resolved[i][3]
                      and (scope is None or scope.allows(resolved[i][2]))}  # need to know
        if len(candidates) == 1:
            found[key] = candidates.pop()
    return found
