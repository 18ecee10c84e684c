"""Finding people across scripts through the staff web pages (issue 13's acceptance examples)."""
import pytest
from sqlmodel import select

from tests.conftest import post_form
from tests.names.cases import ACCEPTANCE
from tracker.models import Person


def _results(client, query):
    page = client.get("/casework/people", query_string={"q": query}).get_data(as_text=True)
    start = page.index('<ul class="people">')
    return page[start:page.index("</ul>", start)]


@pytest.mark.parametrize(("name", "script", "community", "typed"), ACCEPTANCE)
def test_a_person_recorded_in_one_script_is_found_by_another(signed_in, session, name, script, community, typed):
    post_form(signed_in, "/casework/people", {"name": [name], "script": [script], "community": community},
              form_url="/casework/people")
    other = post_form(signed_in, "/casework/people", {"name": ["Wang Na"], "script": ["Latn"]},
                      form_url="/casework/people")
    assert other.status_code in (302, 303)
    person = session.exec(select(Person).where(Person.community == community)).one()
    results = _results(signed_in, typed)
    assert person.pseudonym in results and results.count("<li") == 1


def test_a_syllable_does_not_find_a_name_with_another_vowel(signed_in, session):
    post_form(signed_in, "/casework/people", {"name": ["ཤེས་རབ"], "script": ["Tibt"], "community": "tibetan"},
              form_url="/casework/people")
    person = session.exec(select(Person)).one()
    assert person.pseudonym not in _results(signed_in, "ཤིས")
    assert person.pseudonym in _results(signed_in, "Sherab")
