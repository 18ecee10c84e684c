"""Groups and mass cases (issue 12 item 3): sizes, bulk-named members, counting, a readable diagram."""
import re

from sqlmodel import select

from tests.casework.test_scenario_pages import post
from tests.factories import make_case, make_incident
from tracker.casework.cases import attach_person
from tracker.casework.dedup import merge_people
from tracker.casework.diagram import NODE_H, NODE_W, Node, layout
from tracker.casework.groups import add_named_members, group_members, targeted_people
from tracker.casework.people import create_person, involve_person
from tracker.models import Involvement, Person
from tracker.models.inputs import PersonCreate


def test_named_members_in_bulk_become_people_linked_to_the_group_and_incident(signed_in, session):
    incident = make_incident(session, primary_tactic="legal_harassment", community="hongkong")
    group = create_person(session, PersonCreate(pseudonym="HK47", group_size=47, community="hongkong"), user_id=None)
    session.commit()
    assert group.is_group and group.group_size_kind == "exact"
    response = post(signed_in, f"/casework/people/{group.id}/members",
                    {"names": "Joshua Wong\n\nBenny Tai\nJoshua Wong\n  Claudia Mo  ", "incident_id": str(incident.id)})
    assert response.status_code == 303
    members = group_members(session, group.id)
    assert [m.names[0]["name"] for m in members] == ["Joshua Wong", "Benny Tai", "Claudia Mo"]
    targets = session.exec(select(Involvement.person_id).where(Involvement.incident_id == incident.id)).all()
    assert set(targets) == {m.id for m in members}
    page = signed_in.get(f"/casework/people/{group.id}").get_data(as_text=True)
    assert "3 named members" in page and "Joshua Wong" not in page.split("Members")[1].split("</ul>")[0]


def test_a_group_counts_as_its_size_and_named_members_are_not_counted_twice(session):
    incident = make_incident(session, primary_tactic="legal_harassment")
    group = create_person(session, PersonCreate(pseudonym="HK47", group_size=47), user_id=None)
    involve_person(session, incident.id, group, "target", user_id=None)
    members = add_named_members(session, group, ["A", "B"], incident_id=incident.id, user_id=None)
    other = create_person(session, PersonCreate(), user_id=None)
    involve_person(session, incident.id, other, "target", user_id=None)
    second = make_incident(session)
    involve_person(session, second.id, members[0], "target", user_id=None)
    assert targeted_people(session, [incident.id, second.id]) == 47 + 1
    expelled = create_person(session, PersonCreate(pseudonym="NI222", group_size=20, group_size_kind="at_least"),
                             user_id=None)
    involve_person(session, second.id, expelled, "target", user_id=None)
    add_named_members(session, expelled, [f"N{i}" for i in range(22)], incident_id=None, user_id=None)
    assert targeted_people(session, [second.id]) == 22 + 1  # more named than the floor: the names count


def test_a_merged_person_is_counted_once_in_an_incident_and_among_a_groups_members(session):
    # A merge leaves the dropped person's involvement and member link where the kept person had
    # them already (so it can be undone): those must not count the same human twice.
    incident = make_incident(session)
    kept, dropped = (create_person(session, PersonCreate(), user_id=None) for _ in range(2))
    for person in (kept, dropped):
        involve_person(session, incident.id, person, "target", user_id=None)
    group = create_person(session, PersonCreate(pseudonym="G1", group_size=1, group_size_kind="at_least"),
                          user_id=None)
    second = make_incident(session)
    involve_person(session, second.id, group, "target", user_id=None)
    named = add_named_members(session, group, ["A", "B"], incident_id=None, user_id=None)
    session.commit()
    assert targeted_people(session, [incident.id]) == 2 and targeted_people(session, [second.id]) == 2
    merge_people(session, kept, dropped, user_id=None)
    merge_people(session, named[0], named[1], user_id=None)
    session.commit()
    assert targeted_people(session, [incident.id]) == 1
    assert targeted_people(session, [second.id]) == 1  # one named member left of an at-least-1 group


def test_the_case_diagram_of_a_hundred_people_has_no_overlapping_boxes_and_links_are_not_an_image(signed_in, session):
    case = make_case(session)
    incident = make_incident(session, case_id=case.id)
    primary = create_person(session, PersonCreate(), user_id=None)
    attach_person(session, case, primary, "primary", user_id=None)
    group = create_person(session, PersonCreate(pseudonym="HK47", group_size=47), user_id=None)
    attach_person(session, case, group, "target", user_id=None)
    add_named_members(session, group, [f"Member {i}" for i in range(99)], incident_id=incident.id, user_id=None)
    session.commit()
    svg = signed_in.get(f"/casework/cases/{case.id}/diagram.svg").get_data(as_text=True)
    boxes = [tuple(map(float, m)) for m in re.findall(r'<rect x="(-?\d+)" y="(-?\d+)" width="150" height="46"', svg)]
    assert len(boxes) == 101
    for i, (x1, y1) in enumerate(boxes):
        for x2, y2 in boxes[i + 1:]:
            assert abs(x1 - x2) >= NODE_W or abs(y1 - y2) >= NODE_H, "two boxes overlap"
    width, height = map(float, re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).groups())
    assert all(0 <= x and x + NODE_W <= width and 0 <= y and y + NODE_H <= height for x, y in boxes)
    assert 'role="img"' not in svg and svg.count("<a href=") == 101
    assert "HK47 · Exactly 47" in svg
    assert svg.count("marker-end") == 0  # membership is the frame, not 99 arrows


def test_layout_keeps_clusters_apart():
    nodes = [Node(i, f"P{i}", cluster="" if i < 3 else "G") for i in range(10)]
    where = layout(nodes)
    family_bottom = max(where.centres[i][1] for i in range(3)) + NODE_H / 2
    group_top = min(where.centres[i][1] for i in range(3, 10)) - NODE_H / 2
    assert group_top > family_bottom and len(where.frames) == 1


def test_members_only_for_groups(session):
    from tracker.casework.errors import Conflict
    person = create_person(session, PersonCreate(), user_id=None)
    try:
        add_named_members(session, person, ["x"], incident_id=None, user_id=None)
    except Conflict:
        pass
    else:
        raise AssertionError("a person who is not a group took members")
    assert session.exec(select(Person)).all() == [person]


def test_the_diagram_keeps_the_detention_when_no_proof_of_life_follows(signed_in, session):
    from datetime import date

    from tests.factories import add_status, make_relative
    from tracker.casework.diagram import DETENTION_FILL
    case = make_case(session)
    son = create_person(session, PersonCreate(), user_id=None)
    father, _link = make_relative(session, son)
    for person, role in ((son, "primary"), (father, "relative")):
        attach_person(session, case, person, role, user_id=None)
    add_status(session, father, "imprisoned", date(2019, 3, 1), date_precision="month")
    add_status(session, father, "no_proof_of_life", date(2020, 1, 1), date_precision="year")
    session.commit()
    svg = signed_in.get(f"/casework/cases/{case.id}/diagram.svg").get_data(as_text=True)
    assert "Sentenced to prison" in svg and "No proof of life since" in svg and DETENTION_FILL in svg
