"""Tests for tracker.taxonomy: the controlled vocabularies of DESIGN §4."""

import re

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import Flask
from flask_babel import Babel, force_locale

from tracker import taxonomy

# Codes the spec fixes; additions are allowed only where DESIGN §4 ends a list with "…".
SPEC_CODES = {
    "tactic_category": {"direct_attack", "co_opting", "mobility", "distance", "other"},
    "attribution": {"confirmed", "likely", "possible", "unknown"},
    "date_precision": {"exact", "month", "year", "estimate", "unknown"},
    "submitter_role": {"self", "relative", "witness", "third_party"},
    # DESIGN lists web, api, caseworker and import; issue 15 adds offline collection from ODK
    # Collect, Kobo and Tella, whose reports say they came that way (a departure noted on the issue).
    "intake_channel": {"web", "api", "caseworker", "import", "openrosa"},
    "report_status": {"new", "in_triage", "accepted", "duplicate", "rejected", "spam"},
    "verification": {"unverified", "credible", "corroborated", "verified"},
    "case_status": {"open", "active", "monitoring", "referred", "closed"},
    "priority": {"low", "normal", "high", "urgent"},
    "risk_level": {"low", "medium", "high", "critical"},
    "involvement_role": {"target", "relative_targeted", "perpetrator", "witness"},
    "retaliation": {"yes", "likely", "no", "unknown"},
    "location_precision": {"country", "admin1", "county", "city", "neighbourhood", "point"},
    "incident_link_type": {"caused", "followed", "related", "same_campaign"},
    "report_target": {"me", "relative", "organisation", "other"},
    "host_state_role": {
        "none_known", "unaware", "failed_to_act", "complicit", "cooperated", "protected",
    },
    "intervention_outcome": {
        "pending", "successful", "partially_successful", "no_response", "unsuccessful",
        "unknown",
    },
    "demand": {
        "return_to_origin", "stop_activism", "delete_content", "provide_personal_info",
        "inform_on_others", "public_denunciation", "attend_meeting", "pay_money",
        "stay_silent", "unknown",
    },
    "perpetrator_type": {
        "state_security", "police", "diplomatic_mission", "other_state_official",
        "state_media", "proxy_organisation", "hired_agent", "coerced_relative",
        "host_state_authority", "online_network", "unknown",
    },
    "channel": {
        "wechat", "whatsapp", "telegram", "signal", "other_messaging", "social_media",
        "email", "phone_call", "sms", "video_call", "in_person_home", "in_person_public",
        "via_relative", "via_intermediary", "embassy_consulate", "host_authority",
        "legal_process", "postal_mail", "device_compromise", "other",
    },
    "target_type": {
        "activist", "journalist", "human_rights_defender", "religious_figure", "academic",
        "student", "former_official", "business_person", "ordinary_member",
        "organisation", "other",
    },
    "intervention_type": {
        "referral_host_police", "referral_host_government", "un_urgent_appeal", "un_wgeid",
        "un_special_procedures", "media", "legal_aid", "safety_planning",
        "psychosocial_support", "digital_security_support", "advocacy_letter", "other",
    },
}
OPEN_ENDED_SPEC_CODES = {
    "relationship_type": {
        "parent", "child", "sibling", "spouse_partner", "grandparent", "grandchild",
        "aunt_uncle", "niece_nephew", "cousin", "in_law", "other_relative", "friend",
        "colleague", "fellow_activist", "other",
    },
    "relative_status": {
        "questioned", "threatened", "surveilled", "travel_restricted",
        "passport_confiscated", "house_arrest", "detained_administrative",
        "detained_criminal", "imprisoned", "disappeared", "forced_labour",
        "lost_job_or_benefits", "property_seized", "forced_to_contact", "died_in_custody",
        "released", "contact_lost", "unknown",
    },
    # Issue 12: what the retaliation was for, proof of life, health and group sizes.
    "retaliation_reason": {
        "journalism", "advocacy_abroad", "testimony_abroad", "relative_activism", "protest",
        "religion", "unknown",
    },
    "proof_of_life_kind": {"call", "official_statement"},
    "health_concern": {"untreated_illness", "injury_or_torture", "other"},
    "group_size_kind": {"exact", "at_least", "estimated"},
    "community": {
        "uyghur", "tibetan", "hongkong", "chinese_dissident", "kazakh",
        "southern_mongolian", "falun_gong", "cambodian", "eritrean", "rwandan",
        "nicaraguan", "cuban", "other",
    },
}
TACTICS_BY_CATEGORY = {
    "direct_attack": {"assassination", "assault", "abduction_rendition", "physical_intimidation"},
    "co_opting": {
        "detention_host", "unlawful_deportation", "extradition_request", "interpol_abuse",
        "legal_harassment",
    },
    "mobility": {"passport_denial", "consular_denial", "citizenship_revocation", "travel_ban",
                 "barred_from_return", "mass_expulsion"},
    "distance": {
        "digital_threat", "online_harassment", "hacking_phishing", "spyware",
        "surveillance_monitoring", "coercion_by_proxy", "persuade_to_return",
        "information_demand", "lure_third_country", "financial_pressure",
    },
    "other": {"other", "detention_at_home"},
}
# The physical incidents Freedom House counts (see the module docstring for the source).
FREEDOM_HOUSE_PHYSICAL = {
    "assassination", "assault", "abduction_rendition", "physical_intimidation",
    "detention_host", "unlawful_deportation",
}
ALL_TERMS = [
    pytest.param(name, t, id=f"{name}.{t.code}")
    for name, vocabulary in taxonomy.VOCABULARIES.items()
    for t in vocabulary
]


def test_vocabularies_pass_their_self_check():
    taxonomy.check_vocabularies()


def test_self_check_reports_bad_codes_and_groups(monkeypatch):
    bad = (
        taxonomy.Term("Bad-Code", taxonomy._l("x"), taxonomy._l("x."), physical=True),
        taxonomy.Term("Bad-Code", taxonomy._l("x"), taxonomy._l("x.")),
    )
    monkeypatch.setattr(taxonomy, "VOCABULARIES", {"priority": bad})
    monkeypatch.setattr(taxonomy, "TACTICS", (taxonomy.Term("t", "t", "t.", group="nope"),))
    with pytest.raises(ValueError) as excinfo:
        taxonomy.check_vocabularies()
    message = str(excinfo.value)
    for expected in ("not a lower-case ASCII", "appears twice", "marked physical",
                     "no known category"):
        assert expected in message


def test_every_vocabulary_in_the_spec_exists():
    expected = set(SPEC_CODES) | set(OPEN_ENDED_SPEC_CODES) | {"tactic"}
    assert set(taxonomy.VOCABULARIES) == expected


@pytest.mark.parametrize("name", sorted(SPEC_CODES))
def test_closed_vocabularies_hold_exactly_the_spec_codes(name):
    assert taxonomy.codes(name) == SPEC_CODES[name]


@pytest.mark.parametrize("name", sorted(OPEN_ENDED_SPEC_CODES))
def test_open_vocabularies_keep_every_spec_code(name):
    assert OPEN_ENDED_SPEC_CODES[name] <= taxonomy.codes(name)


@pytest.mark.parametrize(("name", "t"), ALL_TERMS)
def test_each_term_is_well_formed(name, t):
    assert re.fullmatch(r"[a-z][a-z0-9_]*", t.code)
    assert t.code.isascii()
    label, definition = str(t.label), str(t.definition)
    assert label.strip() and len(label) <= 45, "labels are short phrases"
    assert definition.strip() and definition.endswith("."), "definitions are sentences"
    assert definition.count(". ") == 0, "definitions are one sentence"
    assert t.physical is False or name == "tactic"


def test_codes_are_unique_within_each_vocabulary():
    for name, vocabulary in taxonomy.VOCABULARIES.items():
        all_codes = [t.code for t in vocabulary]
        assert len(all_codes) == len(set(all_codes)), name


def test_tactics_sit_in_their_freedom_house_category():
    assert taxonomy.codes("tactic") == set().union(*TACTICS_BY_CATEGORY.values())
    for category, tactic_codes in TACTICS_BY_CATEGORY.items():
        for code in tactic_codes:
            assert taxonomy.category_of(code) == category
            assert taxonomy.term("tactic", code).group == category
    assert {t.group for t in taxonomy.terms("tactic")} == taxonomy.codes("tactic_category")


def test_physical_flag_matches_freedom_house_dataset():
    assert taxonomy.physical_tactics() == FREEDOM_HOUSE_PHYSICAL
    assert {taxonomy.category_of(c) for c in FREEDOM_HOUSE_PHYSICAL} == {
        "direct_attack", "co_opting",
    }


def test_category_of_unknown_tactic_raises_key_error():
    with pytest.raises(KeyError):
        taxonomy.category_of("no_such_tactic")


def test_detention_group_is_what_analysts_sum_as_detained():
    detention = {t.code for t in taxonomy.terms("relative_status") if t.group == "detention"}
    assert {"detained_administrative", "detained_criminal", "imprisoned",
            "house_arrest", "disappeared"} <= detention
    assert not detention & {"questioned", "released", "contact_lost", "unknown"}
    groups = {t.group for t in taxonomy.terms("relative_status")}
    assert groups == taxonomy.RELATIVE_STATUS_GROUPS


def test_relationship_groups_separate_family_from_others():
    family = {t.code for t in taxonomy.terms("relationship_type") if t.group == "family"}
    assert {"parent", "child", "sibling", "spouse_partner", "in_law"} <= family
    assert not family & {"friend", "colleague", "fellow_activist", "other"}


def test_lookup_functions():
    assert isinstance(taxonomy.terms("priority"), tuple)
    assert [t.code for t in taxonomy.terms("priority")] == ["low", "normal", "high", "urgent"]
    assert isinstance(taxonomy.codes("priority"), frozenset)
    assert taxonomy.is_code("tactic", "spyware")
    assert not taxonomy.is_code("tactic", "Spyware")
    assert not taxonomy.is_code("no_such_vocabulary", "spyware")
    assert taxonomy.term("tactic", "spyware").code == "spyware"
    assert taxonomy.label("tactic", "spyware") == "Spyware on phone or computer"
    assert type(taxonomy.label("tactic", "spyware")) is str


@pytest.mark.parametrize(
    "call",
    [lambda: taxonomy.term("tactic", "nope"), lambda: taxonomy.term("nope", "other"),
     lambda: taxonomy.label("tactic", "nope"), lambda: taxonomy.terms("nope"),
     lambda: taxonomy.codes("nope"), lambda: taxonomy.choices("nope")],
)
def test_unknown_names_raise_key_error(call):
    with pytest.raises(KeyError):
        call()


def test_terms_compare_by_code_not_by_translation():
    spyware = taxonomy.term("tactic", "spyware")
    assert spyware in {spyware}
    assert spyware == taxonomy.Term("spyware", taxonomy._l("x"), taxonomy._l("y."),
                                    group="distance")


@pytest.fixture
def french_app(tmp_path):
    """A bare Flask app with Babel and a French catalogue for two labels."""
    catalog = Catalog(locale="fr")
    catalog.add("Urgent", "Urgente")
    catalog.add("Spyware on phone or computer", "Logiciel espion sur téléphone ou ordinateur")
    mo_dir = tmp_path / "fr" / "LC_MESSAGES"
    mo_dir.mkdir(parents=True)
    with open(mo_dir / "messages.mo", "wb") as mo_file:
        write_mo(mo_file, catalog)
    app = Flask(__name__)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(tmp_path)
    Babel(app, locale_selector=lambda: "fr")
    return app


def test_choices_are_translated_when_called(french_app):
    with french_app.test_request_context():
        choices = taxonomy.choices("priority")
        assert ("urgent", "Urgente") in choices
        assert all(type(code) is str and type(text) is str for code, text in choices)
        assert taxonomy.label("tactic", "spyware").startswith("Logiciel espion")
        with force_locale("en"):
            assert ("urgent", "Urgent") in taxonomy.choices("priority")


def test_choices_keep_display_order():
    assert [code for code, _ in taxonomy.choices("risk_level")] == [
        "low", "medium", "high", "critical",
    ]
