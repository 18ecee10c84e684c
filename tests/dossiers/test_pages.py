"""The dossier page and command: consent form, refusal, download, outcome, need to know."""
from __future__ import annotations

import json

from flask_babel import refresh
from sqlmodel import select

from tests.conftest import login_as, post_form
from tests.dossiers.conftest import BROTHER, DAUGHTER, FATHER
from tests.dossiers.test_make import pdf_text
from tests.factories import STAFF_PASSWORD, make_user
from tracker.models import AuditEvent, Intervention, ReferralConsent


def page(case) -> str:
    return f"/casework/cases/{case.id}/dossier/"


def test_without_consent_the_page_refuses_with_a_message_and_keeps_the_choices(client, caseworker, uyghur_family,
                                                                              session):
    login_as(client, caseworker)
    response = post_form(client, page(uyghur_family.case), {
        "mechanism": "un_wgeid", "person_id": str(uyghur_family.subject.id), "withhold": "addresses"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "No consent to this referral is recorded" in html
    assert 'value="addresses" checked' in html
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "dossier.refused")).one()


def test_a_consent_without_a_date_is_refused_and_the_form_keeps_what_was_typed(client, caseworker, uyghur_family):
    login_as(client, caseworker)
    response = post_form(client, page(uyghur_family.case) + "consents", {
        "person_id": str(uyghur_family.subject.id), "mechanism": "un_wgeid", "method": "oral",
        "note": "Signed form in the Amsterdam office safe"}, form_url=page(uyghur_family.case))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Give the date the consent was given." in html and "Amsterdam office safe" in html


def test_consent_then_download_then_record_the_reply(client, caseworker, uyghur_family, session):
    login_as(client, caseworker)
    case = uyghur_family.case
    response = post_form(client, page(case) + "consents", {
        "person_id": str(uyghur_family.subject.id), "mechanism": "un_wgeid", "method": "written",
        "given_by": str(uyghur_family.source.id), "given_on": "2026-11-30"}, form_url=page(case))
    assert response.status_code == 303
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "referral_consent.create")).one()
    response = post_form(client, page(case), {"mechanism": "un_wgeid", "person_id": str(uyghur_family.subject.id),
                                              "withhold": "source_name", "language": "en"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="{case.reference}-un_wgeid-')
    text = pdf_text(response.data)
    assert FATHER[1]["name"] in text and DAUGHTER[0]["name"] not in text
    intervention = session.exec(select(Intervention).where(Intervention.intervention_type == "un_wgeid")).one()
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "dossier.create")).one()
    assert json.loads(event.detail)["redactions"] == ["source_name"] and event.user_id == caseworker.id

    case_page = client.get(f"/casework/cases/{case.id}").get_data(as_text=True)
    assert f"/casework/cases/{case.id}/interventions/{intervention.id}" in case_page
    response = post_form(client, f"/casework/cases/{case.id}/interventions/{intervention.id}",
                         {"outcome": "partially_successful", "outcome_note": "WGEID transmitted the case"},
                         form_url=f"/casework/cases/{case.id}")
    assert response.status_code == 303
    session.expire_all()
    intervention = session.get(Intervention, intervention.id)
    assert (intervention.outcome, intervention.outcome_note) == ("partially_successful", "WGEID transmitted the case")
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "case.intervention_outcome")).one()


def test_a_withdrawn_consent_stops_the_next_dossier(client, caseworker, uyghur_family, session):
    login_as(client, caseworker)
    case = uyghur_family.case
    post_form(client, page(case) + "consents", {"person_id": str(uyghur_family.subject.id), "mechanism":
                                                "un_urgent_appeal", "method": "message", "given_on": "2026-11-01"},
              form_url=page(case))
    consent = session.exec(select(ReferralConsent)).one()
    assert post_form(client, page(case) + f"consents/{consent.id}/withdraw", {},
                     form_url=page(case)).status_code == 303
    response = post_form(client, page(case), {"mechanism": "un_urgent_appeal",
                                              "person_id": str(uyghur_family.subject.id)})
    assert response.status_code == 409


def test_a_caseworker_of_another_community_cannot_reach_the_page(client, session, uyghur_family):
    tibetan_only = make_user(session, "caseworker", communities=["tibetan"])
    login_as(client, tibetan_only)
    assert client.get(page(uyghur_family.case)).status_code == 404


def test_the_command_writes_the_pdf_and_audits_it(runner, caseworker, uyghur_family, session, tmp_path):
    session.add(ReferralConsent(case_id=uyghur_family.case.id, person_id=uyghur_family.subject.id,
                                mechanism="un_wgeid", given_on=uyghur_family.case.opened_at.date(), method="oral"))
    session.commit()
    output = tmp_path / "dossier.pdf"
    result = runner.invoke(args=["dossier", uyghur_family.case.reference, "--mechanism", "un_wgeid",
                                 "--withhold", "relative_names", "--as", caseworker.email, "-o", str(output)],
                           input=STAFF_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    text = pdf_text(output.read_bytes())
    # Relatives other than the source are withheld; the source has a choice of their own.
    assert FATHER[0]["name"] in text and DAUGHTER[0]["name"] in text and BROTHER[0]["name"] not in text
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "dossier.create")).one()
    assert event.user_id == caseworker.id


def test_the_command_refuses_without_consent(runner, caseworker, uyghur_family, tmp_path):
    result = runner.invoke(args=["dossier", uyghur_family.case.reference, "--mechanism", "referral_host_police",
                                 "--person", str(uyghur_family.subject.id), "--as", caseworker.email,
                                 "-o", str(tmp_path / "x.pdf")], input=STAFF_PASSWORD + "\n")
    assert result.exit_code != 0 and "No consent to this referral" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_the_refusal_is_in_the_caseworkers_language_and_the_dossier_in_the_chosen_one(client, caseworker,
                                                                                     uyghur_family, session):
    login_as(client, caseworker)
    case, subject = uyghur_family.case, str(uyghur_family.subject.id)
    refresh()  # the fixtures' app context outlives requests and would keep the locale of the first one
    client.get(page(case) + "?lang=zh_Hans")  # the choice is kept in the session
    response = post_form(client, page(case), {"mechanism": "un_wgeid", "person_id": subject})
    assert response.status_code == 409 and "此人未记录对这项转介的同意" in response.get_data(as_text=True)
    post_form(client, page(case) + "consents", {"person_id": subject, "mechanism": "un_wgeid", "method": "oral",
                                                "given_on": "2026-10-01"}, form_url=page(case))
    response = post_form(client, page(case), {"mechanism": "un_wgeid", "person_id": subject, "language": "fr"})
    text = " ".join(pdf_text(response.data).split())
    assert "Communication relative à une disparition forcée" in text and FATHER[1]["name"] in text
