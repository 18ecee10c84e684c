"""People: sealed names, the blind index, search in any script, involvements."""
import pytest
from sqlmodel import select

from tracker.casework.errors import Conflict
from tracker.casework.people import create_person, find_people, involve_person, update_person
from tracker.models import AuditEvent, PersonNameToken
from tracker.models.inputs import PersonCreate
from tests.factories import make_incident, make_user


def _person(session, *names, **fields):
    data = PersonCreate(names=[{"name": n, "script": s} for n, s in names], **fields)
    person = create_person(session, data, user_id=None)
    session.commit()
    return person


def test_names_are_indexed_by_keyed_digests_only(session):
    person = _person(session, ("Wang Lei", "Latn"), ("王磊", "Hans"))
    digests = session.exec(select(PersonNameToken.digest).where(PersonNameToken.person_id == person.id)).all()
    assert len(digests) >= 4
    assert all(len(d) == 64 and "wang" not in d for d in digests)
    assert person.pseudonym.startswith("P-")


@pytest.mark.parametrize("query", ["Wang Lei", "王磊", "lei wang", "WANG", "wanglei"])
def test_search_finds_a_person_in_any_script(session, query):
    wanted = _person(session, ("王磊", "Hans"))
    _person(session, ("Li Na", "Latn"))
    assert [p.id for p in find_people(session, query)] == [wanted.id]


def test_search_needs_every_part_of_the_query(session):
    _person(session, ("Wang Lei", "Latn"))
    assert find_people(session, "Wang Na") == []
    assert find_people(session, "") == []


def test_updating_names_reindexes_them(session):
    person = _person(session, ("Aziz Tursun", "Latn"))
    update_person(session, person, PersonCreate(names=[{"name": "Erkin Yasin"}]), user_id=None)
    session.commit()
    assert find_people(session, "Aziz Tursun") == []
    assert [p.id for p in find_people(session, "Erkin Yasin")] == [person.id]


def test_a_pseudonym_is_unique(session):
    _person(session, ("A", "Latn"), pseudonym="P-FIXED")
    with pytest.raises(Conflict):
        _person(session, ("B", "Latn"), pseudonym="P-FIXED")


def test_creation_and_involvement_are_audited_without_names(session):
    user = make_user(session)
    incident = make_incident(session)
    person = create_person(session, PersonCreate(names=[{"name": "Tenzin Dolma"}]), user_id=user.id)
    involve_person(session, incident.id, person, "target", user_id=user.id)
    session.commit()
    events = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["person.create", "incident.involve"]
    assert all("Tenzin" not in (e.detail or "") for e in events)
    with pytest.raises(Conflict):
        involve_person(session, incident.id, person, "target", user_id=user.id)
