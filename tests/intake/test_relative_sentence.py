"""A reporter can give a relative's prison sentence in the relative's block (issue 12 item 2)."""
from sqlmodel import select

from tracker.models import ReportedRelative

from .helpers import send_report

RELATIVE = {"relatives-0-relationship_type": "sibling", "relatives-0-statuses": ["imprisoned"],
            "relatives-0-dates-imprisoned": "2020-12", "relatives-0-in_retaliation": "yes"}


def test_a_sentence_in_years_is_kept_in_months_on_the_imprisonment(client, session):
    assert send_report(client, {**RELATIVE, "relatives-0-sentence_years": "20"}).status_code == 200
    relative = session.exec(select(ReportedRelative)).one()
    assert relative.statuses == [{"status": "imprisoned", "date": "2020-12-01", "precision": "month",
                                  "sentence_months": 240}]


def test_a_sentence_without_a_ticked_imprisonment_adds_it_undated(client, session):
    fields = {"relatives-0-relationship_type": "parent", "relatives-0-sentence_years": "2,5"}
    assert send_report(client, fields).status_code == 200
    relative = session.exec(select(ReportedRelative)).one()
    assert relative.statuses == [{"status": "imprisoned", "date": None, "precision": "unknown",
                                  "sentence_months": 30}]


def test_a_sentence_that_is_not_a_number_is_explained_and_nothing_typed_is_lost(client, session):
    response = send_report(client, {**RELATIVE, "relatives-0-sentence_years": "twenty"})
    html = response.get_data(as_text=True)
    assert "Enter the number of years" in html and "twenty" in html and "2020-12" in html
    assert session.exec(select(ReportedRelative)).first() is None
