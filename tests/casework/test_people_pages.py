"""People through HTTP: record, find in any script, edit, relationships, statuses, merge and unmerge."""
from sqlmodel import select

from tests.conftest import post_form
from tests.factories import make_person
from tracker.casework.people import index_names
from tracker.models import AuditEvent, Person, RelativeStatus


def post(client, url, data, **kwargs):
    return post_form(client, url, data, form_url="/casework/people", **kwargs)


def test_record_find_and_view_a_person(signed_in, session):
    response = post(signed_in, "/casework/people", {"name": ["Tenzin Dolma", "བསྟན་འཛིན་སྒྲོལ་མ"],
                                                    "script": ["Latn", "Tibt"], "community": "tibetan"})
    person = session.exec(select(Person)).one()
    assert response.headers["Location"].endswith(f"/casework/people/{person.id}")
    found = signed_in.get("/casework/people?q=tenzin+dolma").get_data(as_text=True)
    start = found.index('<ul class="people">')
    results = found[start:found.index("</ul>", start)]
    assert person.pseudonym in results and "Tenzin" not in results  # lists show pseudonyms only
    page = signed_in.get(f"/casework/people/{person.id}").get_data(as_text=True)
    assert "བསྟན་འཛིན་སྒྲོལ་མ" in page
    actions = session.exec(select(AuditEvent.action)).all()
    assert {"person.create", "person.search", "person.view"} <= set(actions)
    search = session.exec(select(AuditEvent).where(AuditEvent.action == "person.search")).one()
    assert "tenzin" not in search.detail.casefold()


def test_editing_names_changes_what_search_finds(signed_in, session):
    person = make_person(session)
    post(signed_in, f"/casework/people/{person.id}", {"name": ["王磊"], "script": ["Hans"], "birth_year": "1960"})
    session.refresh(person)
    assert person.names == [{"name": "王磊", "script": "Hans"}] and person.birth_year == 1960
    assert person.pseudonym in signed_in.get("/casework/people?q=Wang+Lei").get_data(as_text=True)


def test_bad_person_input_is_refused(signed_in, session):
    response = post(signed_in, "/casework/people", {"name": ["X"], "birth_year": "1800"}, follow_redirects=True)
    assert "birth_year" in response.get_data(as_text=True)
    assert session.exec(select(Person)).all() == []


def test_relationships_and_statuses(signed_in, session):
    son, father = make_person(session), make_person(session)
    post(signed_in, f"/casework/people/{son.id}/relationships",
         {"related_person_id": str(father.id), "relationship_type": "parent", "since": "1990-01-01",
          "since_precision": "year"})
    post(signed_in, f"/casework/people/{father.id}/statuses",
         {"status": "disappeared", "status_date": "2021-06-15", "date_precision": "month", "in_retaliation": "likely",
          "place_text": "Ghulja"})
    status = session.exec(select(RelativeStatus)).one()
    assert (status.status, status.status_date.isoformat(), status.place_text) == ("disappeared", "2021-06-01", "Ghulja")
    page = signed_in.get(f"/casework/people/{son.id}").get_data(as_text=True)
    # One translatable sentence per relationship, the other person linked inside it.
    assert f'/casework/people/{father.id}">{father.pseudonym}</a> is their Parent' in page
    page = signed_in.get(f"/casework/people/{father.id}").get_data(as_text=True)
    assert f'This person is the Parent of <a href="/casework/people/{son.id}">{son.pseudonym}</a>' in page
    refused = post(signed_in, f"/casework/people/{son.id}/relationships",
                   {"related_person_id": str(son.id), "relationship_type": "parent"}, follow_redirects=True)
    assert "themselves" in refused.get_data(as_text=True)


def test_merge_and_unmerge_through_the_pages(signed_in, session):
    keep = make_person(session, names=[{"name": "Wang Lei", "script": "Latn"}])
    post(signed_in, "/casework/people", {"name": ["王磊"], "script": ["Hans"]})
    drop = session.exec(select(Person).where(Person.id != keep.id)).one()
    index_names(session, keep)  # the factory writes no tokens
    session.commit()
    page = signed_in.get(f"/casework/people/{keep.id}").get_data(as_text=True)
    assert "Possibly the same person" in page and drop.pseudonym in page
    post(signed_in, f"/casework/people/{keep.id}/merge", {"drop_id": str(drop.id)})
    session.refresh(drop)
    assert drop.merged_into_id == keep.id
    assert "王磊" in signed_in.get(f"/casework/people/{keep.id}").get_data(as_text=True)  # "also recorded as"
    post(signed_in, f"/casework/people/{drop.id}/unmerge", {})
    session.refresh(drop)
    assert drop.merged_into_id is None
