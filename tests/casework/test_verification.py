"""Verification with the source of each claim, on reports and incidents, through the pages."""
from sqlmodel import select

from tests.conftest import post_form
from tests.factories import make_evidence, make_incident, make_report
from tracker.models import AuditEvent, ClaimSource, IncidentReport


def _claims(session):
    return [(s.claim, s.source_type, s.evidence_id, s.note)
            for s in session.exec(select(ClaimSource).order_by(ClaimSource.id))]


def test_a_report_records_claims_with_their_sources(signed_in, session, caseworker):
    report = make_report(session)
    evidence = make_evidence(session, report)
    url = f"/casework/reports/{report.id}"
    for form in ({"claim": "relative_status", "source_type": "reporter_testimony"},
                 {"claim": "date", "source_type": "evidence_item", "evidence_id": str(evidence.id),
                  "note": "Screenshot of the call log"},
                 {"claim": "relative_status", "source_type": "media_report", "note": "RFA, 12 May 2024"}):
        response = post_form(signed_in, f"{url}/claim-sources", form, form_url=url)
        assert response.status_code == 303 and response.headers["Location"].endswith(f"{url}#verification")
    assert _claims(session) == [("relative_status", "reporter_testimony", None, None),
                                ("date", "evidence_item", evidence.id, "Screenshot of the call log"),
                                ("relative_status", "media_report", None, "RFA, 12 May 2024")]
    page = signed_in.get(url).get_data(as_text=True)
    assert "A relative&#39;s status" in page and "A media report" in page and "RFA, 12 May 2024" in page
    added = session.exec(select(AuditEvent).where(AuditEvent.action == "claim_source.add")).all()
    assert [(e.user_id, e.object_type, e.object_id) for e in added] == [(caseworker.id, "report", str(report.id))] * 3
    assert all("RFA" not in (e.detail or "") and "Screenshot" not in (e.detail or "") for e in added)


def test_an_incident_can_cite_files_of_its_source_reports_only(signed_in, session):
    report, other = make_report(session), make_report(session)
    incident = make_incident(session)
    session.add(IncidentReport(incident_id=incident.id, report_id=report.id))
    session.commit()
    own, foreign = make_evidence(session, report), make_evidence(session, other)
    url = f"/casework/incidents/{incident.id}"
    post_form(signed_in, f"{url}/claim-sources", {"claim": "tactic", "source_type": "evidence_item",
                                                 "evidence_id": str(own.id)}, form_url=url)
    page = post_form(signed_in, f"{url}/claim-sources", {"claim": "tactic", "source_type": "evidence_item",
                                                        "evidence_id": str(foreign.id)},
                     form_url=url, follow_redirects=True).get_data(as_text=True)
    assert "was not sent with this report" in page
    page = post_form(signed_in, f"{url}/claim-sources", {"claim": "tactic", "source_type": "evidence_item"},
                     form_url=url, follow_redirects=True).get_data(as_text=True)
    assert "choose the file" in page
    assert _claims(session) == [("tactic", "evidence_item", own.id, None)]


def test_unknown_codes_are_refused(signed_in, session):
    report = make_report(session)
    url = f"/casework/reports/{report.id}"
    page = post_form(signed_in, f"{url}/claim-sources", {"claim": "rumour", "source_type": "gossip"},
                     form_url=url, follow_redirects=True).get_data(as_text=True)
    assert "claim: Value error" in page and "source_type" in page
    assert _claims(session) == []


def test_a_level_above_credible_warns_while_only_the_reporter_is_cited(signed_in, session):
    incident = make_incident(session, verification="corroborated")
    url = f"/casework/incidents/{incident.id}"
    warning = "only the reporter's testimony is recorded"
    assert warning in signed_in.get(url).get_data(as_text=True)
    post_form(signed_in, f"{url}/claim-sources", {"claim": "event", "source_type": "reporter_testimony"},
              form_url=url)
    assert warning in signed_in.get(url).get_data(as_text=True)
    post_form(signed_in, f"{url}/claim-sources", {"claim": "event", "source_type": "second_witness"}, form_url=url)
    assert warning not in signed_in.get(url).get_data(as_text=True)


def test_withdrawing_a_source_goes_back_to_its_page_and_is_audited(signed_in, session):
    incident = make_incident(session)
    url = f"/casework/incidents/{incident.id}"
    post_form(signed_in, f"{url}/claim-sources", {"claim": "place", "source_type": "partner_organisation"},
              form_url=url)
    source = session.exec(select(ClaimSource)).one()
    response = post_form(signed_in, f"/casework/claim-sources/{source.id}/remove", {}, form_url=url)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{url}#verification")
    session.expire_all()
    assert _claims(session) == []
    removed = session.exec(select(AuditEvent).where(AuditEvent.action == "claim_source.remove")).one()
    assert (removed.object_type, removed.object_id) == ("incident", str(incident.id))
    assert signed_in.get(f"/casework/claim-sources/{source.id}/remove").status_code == 405


def test_claim_sources_go_with_their_report(session):
    report = make_report(session)
    session.add(ClaimSource(report_id=report.id, claim="event", source_type="reporter_testimony"))
    session.commit()
    session.delete(report)
    session.commit()
    assert session.exec(select(ClaimSource)).all() == []
