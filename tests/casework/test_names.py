"""The blind index over names: digests written with the names, searched, recomputed after an upgrade."""
from sqlmodel import select

from tests.factories import STAFF_PASSWORD, make_user, make_person
from tracker.casework.names import index_person_names, matching_person_ids, reindex_people
from tracker.casework.people import create_person
from tracker.db import get_session
from tracker.models import Person, PersonNameToken
from tracker.models.inputs import PersonCreate


def _person(session, *names, community=None):
    data = PersonCreate(names=[{"name": n} for n in names], community=community)
    return create_person(session, data, user_id=None)


def test_names_are_indexed_as_digests_only(session):
    person = _person(session, "ئىلھام توختى", community="uyghur")
    digests = session.exec(select(PersonNameToken.digest).where(PersonNameToken.person_id == person.id)).all()
    assert digests and all(len(d) == 64 and int(d, 16) >= 0 for d in digests)
    assert not any("ilham" in d or "ئىلھام" in d for d in digests)


def test_a_query_finds_every_person_whose_keys_meet_all_its_parts(session):
    tashi = _person(session, "བཀྲ་ཤིས་དབང་ཕྱུག", community="tibetan")
    sherab = _person(session, "ཤེས་རབ་རྒྱ་མཚོ", community="tibetan")
    lai = _person(session, "黎智英", community="hongkong")
    assert matching_person_ids(session, "Tashi Wangchuk") == [tashi.id]
    assert matching_person_ids(session, "ཤིས") == [tashi.id]
    assert sorted(matching_person_ids(session, "Gyatso")) == [sherab.id]
    assert matching_person_ids(session, "Lai Chee-ying") == [lai.id]
    assert matching_person_ids(session, "Lai Chi-wai") == []


def test_a_person_indexed_before_the_upgrade_is_found_after_reindexing(session):
    old = make_person(session, names=[{"name": "ዳዊት ኢሳቕ", "script": "Ethi"}], community="eritrean")
    assert matching_person_ids(session, "Dawit Isaak") == []  # written without keys, as before the upgrade
    assert reindex_people(session, batch=1) >= 1
    assert matching_person_ids(session, "Dawit Isaak") == [old.id]


def test_reindexing_replaces_stale_digests(session):
    person = _person(session, "Kem Sokha", community="cambodian")
    session.add(PersonNameToken(person_id=person.id, digest="0" * 64))
    session.commit()
    index_person_names(session, person)
    digests = session.exec(select(PersonNameToken.digest).where(PersonNameToken.person_id == person.id)).all()
    assert "0" * 64 not in digests and matching_person_ids(session, "កឹម សុខា") == [person.id]


def test_demo_people_are_indexed_and_the_reindex_command_keeps_them_findable(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo-data", "--incidents", "40", "--seed", "3"]).exit_code == 0
    with app.app_context():
        session = get_session()
        people = session.exec(select(Person)).all()
        native = next(p for p in people if len(p.names) == 2)
        latin, script = native.names[0]["name"], native.names[1]["name"]
        assert native.id in matching_person_ids(session, script, limit=1000)
        before = set(matching_person_ids(session, latin, limit=1000))
    assert runner.invoke(args=["people", "reindex-names"]).exit_code != 0  # nobody to open the names
    with app.app_context():
        email = make_user(get_session()).email
    result = runner.invoke(args=["people", "reindex-names", "--as", email], input=STAFF_PASSWORD + "\n")
    assert result.exit_code == 0 and f"{len(people)} people" in result.output
    with app.app_context():
        assert set(matching_person_ids(get_session(), latin, limit=1000)) == before


def test_two_common_words_are_searched_from_the_people_who_have_both(session, monkeypatch):
    import tracker.casework.names as names
    monkeypatch.setattr(names, "PROBE", 3)
    for given in ("Dolma", "Norbu", "Pema", "Lhamo"):
        _person(session, f"Tashi {given}", community="tibetan")
        _person(session, f"{given} Wangchuk", community="tibetan")
    wanted = _person(session, "Wangchuk Sonam Tashi", community="tibetan")
    assert matching_person_ids(session, "Tashi Wangchuk") == [wanted.id]
    assert len(matching_person_ids(session, "Tashi")) == 5


def test_a_limit_counts_people_not_the_digests_they_hold(session):
    # Each Uyghur name is indexed under several readings of one part (script, ULY, English
    # spellings): a limit of two must still give two people, so a caller can tell it was cut.
    people = [_person(session, name) for name in ("ئەزىز تۇرسۇن", "Aziz Tursun", "Adil Tursun")]
    assert len(matching_person_ids(session, "Tursun", limit=2)) == 2
    assert sorted(matching_person_ids(session, "Tursun", limit=3)) == sorted(p.id for p in people)
