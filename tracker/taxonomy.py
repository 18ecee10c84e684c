"""Controlled vocabularies: stable codes, translated labels and help text (DESIGN §4).

Every code stored in the database comes from here. Codes are ASCII and never change
once released; labels and definitions are lazy strings, translated when rendered, so
this module does no work that needs an application or a request.

Tactic categories follow Freedom House, "Out of Sight, Not Out of Reach: The Global
Scale and Scope of Transnational Repression" (Schenkkan and Linzer, 2021), which sorts
tactics into direct attacks, co-opting other countries, mobility controls and threats
from a distance. Its incident dataset counts only direct, physical cases: suspected
assassination, assault, physical intimidation, rendition, detention and unlawful
deportation (report, executive summary and methodology). `physical=True` marks
exactly those tactics so analysts can reproduce Freedom House's figures.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

CODE_PATTERN = re.compile(r"[a-z][a-z0-9_]*")

# Families of relative statuses, so that "detained" is one sum over group "detention".
RELATIVE_STATUS_GROUPS = frozenset({"pressure", "detention", "deprivation", "release", "death", "contact",
                                    "unknown"})
# A relative's situation is two tracks that hold at once (issue 12 item 2): what the state does
# to them (custody) and whether the family can reach them (contact). "Imprisoned, no proof of
# life since 2020" is the latest custody status plus the latest contact status.
CONTACT_GROUPS = frozenset({"contact"})


@dataclass(frozen=True)
class Term:
    """One entry of a vocabulary: the stored code and what people are shown."""

    code: str
    # Excluded from comparison and hashing: a lazy string compares by its translation,
    # which would make two equal terms unequal under another locale.
    label: LazyString = field(compare=False)
    definition: LazyString = field(compare=False)
    group: str | None = None
    physical: bool = False


TACTIC_CATEGORIES = (
    Term("direct_attack", _l("Direct attack"),
         _l("Agents of the home state physically harm, seize or confront a person abroad.")),
    Term("co_opting", _l("Using another country's authorities"),
         _l("The home state gets police, courts or border officials of another country "
            "to detain, deport or hand over a person.")),
    Term("mobility", _l("Control over travel and documents"),
         _l("The home state uses passports, consular services or citizenship to trap "
            "or strand a person abroad.")),
    Term("distance", _l("Threats and pressure from a distance"),
         _l("The home state threatens, watches or pressures a person without being "
            "physically present, often online or through family at home.")),
    Term("other", _l("Other"),
         _l("A tactic that does not fit the four Freedom House categories.")),
)

TACTICS = (
    # direct_attack
    Term("assassination", _l("Killing or attempted killing"),
         _l("Someone acting for the home state killed the person, or tried to."),
         group="direct_attack", physical=True),
    Term("assault", _l("Physical attack"),
         _l("Someone acting for the home state hit, beat or otherwise physically hurt "
            "the person."),
         group="direct_attack", physical=True),
    Term("abduction_rendition", _l("Kidnapping or forced return"),
         _l("The person was seized or handed over without a fair legal process and "
            "taken back to the home state or to a place it controls."),
         group="direct_attack", physical=True),
    Term("physical_intimidation", _l("Threatened or followed in person"),
         _l("People turned up in person to frighten the person, for example by "
            "following, confronting or visiting them."),
         group="direct_attack", physical=True),
    # co_opting
    Term("detention_host", _l("Arrested abroad for the home government"),
         _l("Authorities of the country where the person lives arrested or held them "
            "at the request of, or to the benefit of, the home state."),
         group="co_opting", physical=True),
    Term("unlawful_deportation", _l("Sent back without a fair hearing"),
         _l("The country where the person lived expelled them to the home state, or "
            "towards it, without a fair chance to ask for protection."),
         group="co_opting", physical=True),
    Term("extradition_request", _l("Request to hand the person over"),
         _l("The home state formally asked another country to arrest and extradite "
            "the person."),
         group="co_opting"),
    Term("interpol_abuse", _l("Interpol notice or alert"),
         _l("The home state used an Interpol notice or alert to have the person "
            "stopped, arrested or refused entry."),
         group="co_opting"),
    Term("legal_harassment", _l("Charges, trial or bounty at home"),
         _l("The home state charged or sentenced the person in their absence, offered "
            "a reward for them, or used the courts to harass them."),
         group="co_opting"),
    # mobility
    Term("passport_denial", _l("Passport refused or cancelled"),
         _l("The home state refused to issue, renew or return the person's passport, "
            "or cancelled it."),
         group="mobility"),
    Term("consular_denial", _l("Embassy refused to help"),
         _l("An embassy or consulate refused documents or services, or offered them "
            "only on conditions such as returning or informing."),
         group="mobility"),
    Term("citizenship_revocation", _l("Citizenship taken away"),
         _l("The home state removed the person's citizenship or threatened to."),
         group="mobility"),
    # Added beyond DESIGN §4 (issue 12): Nicaragua's 2023 expulsion of 222 prisoners, stripped
    # of nationality on arrival, and exiles refused entry at their own border.
    Term("barred_from_return", _l("Barred from return or stripped of papers"),
         _l("The home state refused to let the person come back, or took away their "
            "passport, identity papers or nationality so they cannot return."),
         group="mobility"),
    Term("mass_expulsion", _l("Expelled from the home country with others"),
         _l("The home state forced a group of people, often prisoners, out of the country "
            "at once, usually with no right to return."),
         group="mobility"),
    Term("travel_ban", _l("Banned from travelling"),
         _l("The person, or family members who wanted to join them, were barred from "
            "leaving or entering a country."),
         group="mobility"),
    # distance
    Term("digital_threat", _l("Threatening messages or calls"),
         _l("The person received threats by message, call, email or social media."),
         group="distance"),
    Term("online_harassment", _l("Online abuse or personal details posted"),
         _l("The person was abused, smeared or impersonated online, or their private "
            "details such as an address were published."),
         group="distance"),
    Term("hacking_phishing", _l("Account hacked or password-stealing trick"),
         _l("Someone broke into the person's accounts or devices, or sent fake messages "
            "to trick them into giving access."),
         group="distance"),
    Term("spyware", _l("Spyware on phone or computer"),
         _l("Hidden software was found, or strongly suspected, on the person's phone or "
            "computer to watch what they do."),
         group="distance"),
    Term("surveillance_monitoring", _l("Being watched or spied on"),
         _l("The person's movements, meetings, messages or community were secretly "
            "watched, including by informants."),
         group="distance"),
    Term("coercion_by_proxy", _l("Pressure through family at home"),
         _l("Relatives or friends in the home country were questioned, threatened or "
            "punished to put pressure on the person abroad."),
         group="distance"),
    Term("persuade_to_return", _l("Pressure to go back"),
         _l("Someone urged, pressured or tricked the person into returning to the home "
            "country."),
         group="distance"),
    Term("information_demand", _l("Asked to give information or spy on others"),
         _l("Someone demanded information about the person, their community or others, "
            "or asked them to become an informer."),
         group="distance"),
    Term("lure_third_country", _l("Lured to another country"),
         _l("Someone tried to get the person to travel to a country where they could "
            "more easily be arrested or sent back."),
         group="distance"),
    Term("financial_pressure", _l("Money, job or property pressure"),
         _l("The person's money, property, business, job or pension was frozen, taken "
            "or threatened to put pressure on them."),
         group="distance"),
    # Added beyond DESIGN §4 (issue 12): people at home detained for protesting, such as the
    # 2022 "A4" protesters in China, whom diaspora organisations document with their families.
    Term("detention_at_home", _l("Protesters detained at home"),
         _l("People who protested or spoke out inside the home country were detained, "
            "often alongside pressure on their supporters abroad."),
         group="other"),
    Term("other", _l("Something else"),
         _l("Another kind of pressure or harm; please describe it in your own words."),
         group="other"),
)

CHANNELS = (
    Term("wechat", _l("WeChat"), _l("Messages or calls on WeChat.")),
    Term("whatsapp", _l("WhatsApp"), _l("Messages or calls on WhatsApp.")),
    Term("telegram", _l("Telegram"), _l("Messages or calls on Telegram.")),
    Term("signal", _l("Signal"), _l("Messages or calls on Signal.")),
    Term("other_messaging", _l("Another messaging app"),
         _l("Messages or calls on a chat app not listed here.")),
    Term("social_media", _l("Social media"),
         _l("Posts, comments or private messages on a social media site.")),
    Term("email", _l("Email"), _l("One or more emails.")),
    Term("phone_call", _l("Phone call"), _l("An ordinary phone call, not through an app.")),
    Term("sms", _l("Text message (SMS)"), _l("An ordinary text message, not through an app.")),
    Term("video_call", _l("Video call"), _l("A video call on any app.")),
    Term("in_person_home", _l("In person, at home"),
         _l("Someone came to the person's home or place where they stay.")),
    Term("in_person_public", _l("In person, somewhere else"),
         _l("Face to face in a street, shop, event, workplace or other place outside "
            "the home.")),
    Term("via_relative", _l("Through a relative"),
         _l("A family member passed on the message or was made to make contact.")),
    Term("via_intermediary", _l("Through a community group or go-between"),
         _l("An association, community leader, so-called overseas police station or "
            "other go-between passed on the message.")),
    Term("embassy_consulate", _l("Embassy or consulate"),
         _l("At or through an embassy or consulate of the home state.")),
    Term("host_authority", _l("Local police or officials"),
         _l("Through police, immigration or other officials of the country where the "
            "person lives.")),
    Term("legal_process", _l("Court or legal case"),
         _l("Through a court case, legal papers, an arrest warrant or an extradition "
            "request.")),
    Term("postal_mail", _l("Letter or parcel"), _l("Something sent by post or courier.")),
    Term("device_compromise", _l("Through a hacked device"),
         _l("Through access to the person's phone, computer or accounts.")),
    Term("other", _l("Another way"), _l("A way of contact not listed here.")),
)

PERPETRATOR_TYPES = (
    Term("state_security", _l("Security or intelligence service"),
         _l("A state security, intelligence or secret police agency of the home state.")),
    Term("police", _l("Police"), _l("Ordinary or political police of the home state.")),
    Term("diplomatic_mission", _l("Embassy or consulate staff"),
         _l("Diplomats or other staff of an embassy or consulate of the home state.")),
    Term("other_state_official", _l("Other government official"),
         _l("An official of the home state not covered above, such as a local cadre, "
            "prosecutor or party official.")),
    Term("state_media", _l("State media"),
         _l("A newspaper, channel or account controlled by the home state.")),
    Term("proxy_organisation", _l("State-linked group"),
         _l("An association, student group, business or religious body acting for the "
            "home state.")),
    Term("hired_agent", _l("Hired person"),
         _l("Someone paid or recruited for the job, such as a private investigator, "
            "criminal or informer.")),
    Term("coerced_relative", _l("Relative forced to take part"),
         _l("A family member made to call, visit or pressure the person.")),
    Term("host_state_authority", _l("Authorities where the person lives"),
         _l("Police, courts or officials of the country where the person lives.")),
    Term("online_network", _l("Online accounts or troll network"),
         _l("A group of social media accounts working together, often anonymous.")),
    Term("unknown", _l("Not known"), _l("It is not known who was behind it.")),
)

ATTRIBUTIONS = (
    Term("confirmed", _l("Confirmed"),
         _l("Strong evidence, such as documents or an admission, shows who was behind it.")),
    Term("likely", _l("Likely"),
         _l("Several credible signs point to the same perpetrator.")),
    Term("possible", _l("Possible"),
         _l("Some signs point to this perpetrator, but the evidence is thin.")),
    Term("unknown", _l("Not known"), _l("There is not enough to say who was behind it.")),
)

DEMANDS = (
    Term("return_to_origin", _l("Go back to the home country"),
         _l("The person was told to return, or to send someone back.")),
    Term("stop_activism", _l("Stop activism or speaking out"),
         _l("The person was told to stop protesting, writing, organising or speaking "
            "to the media.")),
    Term("delete_content", _l("Delete posts or content"),
         _l("The person was told to remove posts, articles, videos or accounts.")),
    Term("provide_personal_info", _l("Hand over personal details"),
         _l("The person was asked for their address, documents, photos, workplace or "
            "similar details.")),
    Term("inform_on_others", _l("Report on other people"),
         _l("The person was asked to inform on their community, friends or other "
            "activists.")),
    Term("public_denunciation", _l("Make a public statement for them"),
         _l("The person was asked to praise the home state, denounce others or take "
            "back what they said, in public.")),
    Term("attend_meeting", _l("Come to a meeting"),
         _l("The person was asked to meet officials or their helpers, or to attend "
            "an event.")),
    Term("pay_money", _l("Pay money"),
         _l("The person was asked to pay money or hand over assets.")),
    Term("stay_silent", _l("Keep quiet about what happened"),
         _l("The person was told not to talk about what happened to them or their "
            "family.")),
    Term("unknown", _l("No clear demand"),
         _l("No demand was made, or it is not known what was wanted.")),
)

_FAMILY = "family"
_NON_FAMILY = "non_family"

# Groups let analysts count "relatives" (group family) apart from friends and colleagues.
RELATIONSHIP_TYPES = (
    Term("parent", _l("Parent"), _l("Mother or father, including step- and adoptive parents."),
         group=_FAMILY),
    Term("child", _l("Child"), _l("Son or daughter, including step- and adopted children."),
         group=_FAMILY),
    Term("sibling", _l("Brother or sister"), _l("Brother or sister, including half-siblings."),
         group=_FAMILY),
    Term("spouse_partner", _l("Husband, wife or partner"),
         _l("Spouse or partner, married or not, current or former."), group=_FAMILY),
    Term("grandparent", _l("Grandparent"), _l("Grandmother or grandfather."), group=_FAMILY),
    Term("grandchild", _l("Grandchild"), _l("Grandson or granddaughter."), group=_FAMILY),
    Term("aunt_uncle", _l("Aunt or uncle"), _l("A parent's sister or brother, or their spouse."),
         group=_FAMILY),
    Term("niece_nephew", _l("Niece or nephew"), _l("A sibling's child."), group=_FAMILY),
    Term("cousin", _l("Cousin"), _l("A child of an aunt or uncle."), group=_FAMILY),
    Term("in_law", _l("Relative by marriage"),
         _l("A spouse's relative, or a relative's spouse, such as a mother-in-law."),
         group=_FAMILY),
    Term("other_relative", _l("Other relative"), _l("A family member not listed here."),
         group=_FAMILY),
    Term("friend", _l("Friend"), _l("A friend or neighbour."), group=_NON_FAMILY),
    Term("colleague", _l("Colleague"),
         _l("Someone the person works or studies with."), group=_NON_FAMILY),
    Term("fellow_activist", _l("Fellow activist"),
         _l("Someone the person campaigns or organises with."), group=_NON_FAMILY),
    Term("other", _l("Other connection"), _l("Any other connection."), group=_NON_FAMILY),
    # A group and a named member of it (person = the group, related person = the member).
    Term("group_member", _l("Member of the group"),
         _l("A named member of a group such as the Hong Kong 47."), group="group"),
)

# Groups: "pressure" (harassed but free), "detention" (any deprivation of liberty, so
# that "detained" is one sum), "deprivation" (rights or livelihood taken away),
# "release" and "unknown".
RELATIVE_STATUSES = (
    Term("questioned", _l("Questioned by authorities"),
         _l("Called in, visited or interviewed by police or officials about the person "
            "abroad."), group="pressure"),
    Term("threatened", _l("Threatened"),
         _l("Warned that they or others would be punished."), group="pressure"),
    Term("surveilled", _l("Watched or monitored"),
         _l("Followed, watched, or made to report regularly on their contacts."),
         group="pressure"),
    Term("forced_to_contact", _l("Made to contact the person abroad"),
         _l("Made to call, message or pressure the person abroad, often with officials "
            "listening."), group="pressure"),
    # Added beyond DESIGN §4: relatives shown in state media videos disowning or
    # appealing to the person abroad are a recurring, distinct form of pressure.
    Term("forced_public_statement", _l("Made to make a public statement"),
         _l("Made to appear in a video, letter or broadcast condemning the person abroad "
            "or urging them to return."), group="pressure"),
    Term("travel_restricted", _l("Not allowed to travel"),
         _l("Barred from leaving their town or country, or from visiting the person "
            "abroad."), group="deprivation"),
    Term("passport_confiscated", _l("Passport taken"),
         _l("Their passport or travel documents were taken or held by authorities."),
         group="deprivation"),
    Term("lost_job_or_benefits", _l("Lost job, school place or benefits"),
         _l("Dismissed, expelled, or cut off from a pension or public support."),
         group="deprivation"),
    Term("property_seized", _l("Property or money taken"),
         _l("Their home, land, business, savings or other property was seized or frozen."),
         group="deprivation"),
    Term("forced_labour", _l("Forced labour"),
         _l("Made to work against their will, including in labour transfer programmes."),
         group="deprivation"),
    Term("house_arrest", _l("Kept under house arrest"),
         _l("Forbidden to leave their home, or a place chosen by authorities."),
         group="detention"),
    Term("detained_administrative", _l("Held without trial, including in camps"),
         _l("Held without charge or trial, including in so-called re-education or "
            "vocational training camps."), group="detention"),
    Term("detained_criminal", _l("Arrested and charged"),
         _l("Arrested or held on criminal charges, awaiting trial."), group="detention"),
    Term("imprisoned", _l("Sentenced to prison"),
         _l("Convicted and serving a prison sentence."), group="detention"),
    Term("disappeared", _l("Taken away, whereabouts unknown"),
         _l("Taken by authorities, who will not say where they are held."),
         group="detention"),
    Term("died_in_custody", _l("Died in custody"),
         _l("Died while detained, or soon after release from harm suffered in detention."),
         group="detention"),
    Term("released", _l("Released"),
         _l("Let go from detention or house arrest, even if still watched."),
         group="release"),
    # Added beyond DESIGN §4 (issue 12): killed outside custody, and barred or stripped of
    # documents at home, were found only as free text in the coalition letter's cases.
    Term("killed", _l("Killed"),
         _l("Killed by the authorities or people acting for them, outside detention."),
         group="death"),
    Term("documents_stripped", _l("Identity papers or nationality taken"),
         _l("Their identity card, household registration or nationality was cancelled or "
            "taken away."), group="deprivation"),
    # The contact track: what the family abroad knows of them, independent of custody.
    Term("last_contact", _l("Last contact"),
         _l("The last time the family could speak or write to them."), group="contact"),
    Term("proof_of_life", _l("Proof of life"),
         _l("A sign that they were alive on this date, such as a call, a photo or an "
            "official answer."), group="contact"),
    Term("no_proof_of_life", _l("No proof of life since"),
         _l("No sign that they are alive has been received since this date."), group="contact"),
    Term("contact_lost", _l("Cannot be reached"),
         _l("The person abroad has lost touch with them and does not know why."),
         group="contact"),
    Term("unknown", _l("Not known"), _l("Their situation is not known."), group="unknown"),
)

TARGET_TYPES = (
    Term("activist", _l("Activist"),
         _l("Someone who campaigns, protests or organises for a cause.")),
    Term("journalist", _l("Journalist or writer"),
         _l("Someone who reports, writes, blogs or makes media.")),
    Term("human_rights_defender", _l("Human rights defender"),
         _l("Someone who documents abuses or helps victims, including lawyers.")),
    Term("religious_figure", _l("Religious leader or believer"),
         _l("A religious leader, teacher, or someone targeted for their faith.")),
    Term("academic", _l("Academic or researcher"),
         _l("A teacher, scholar or researcher at a university or institute.")),
    Term("student", _l("Student"), _l("Someone studying at a school or university.")),
    Term("former_official", _l("Former official"),
         _l("Someone who once worked for the home state's government, army or party.")),
    Term("business_person", _l("Business person"),
         _l("Someone who runs or owns a business.")),
    Term("ordinary_member", _l("Community member"),
         _l("A member of the diaspora with no public role.")),
    Term("organisation", _l("Organisation"),
         _l("An association, media outlet or other group rather than one person.")),
    Term("other", _l("Other"), _l("Another kind of person or group.")),
)

# Why the state retaliated against a relative (issue 12 item 2), so analysts can break counts down.
RETALIATION_REASONS = (
    Term("journalism", _l("Journalism or writing"),
         _l("The person abroad reported, wrote, or spoke to the media.")),
    Term("advocacy_abroad", _l("Advocacy abroad"),
         _l("The person abroad campaigned, lobbied or organised for a cause.")),
    Term("testimony_abroad", _l("Testimony abroad"),
         _l("The person abroad testified to a parliament, a court, the UN or an inquiry.")),
    Term("relative_activism", _l("A relative's activism"),
         _l("Another family member's activism, not the person's own.")),
    Term("protest", _l("Protest"), _l("Taking part in a protest, at home or abroad.")),
    Term("religion", _l("Religion or belief"), _l("Practising or teaching a religion or belief.")),
    Term("refusal_to_return", _l("Refusing to return"),
         _l("The person abroad refused to come back or to spy for the state.")),
    Term("other", _l("Another reason"), _l("A reason not listed here.")),
    Term("unknown", _l("Not known"), _l("It is not known what the retaliation was for.")),
)

# What showed that a relative was alive (the contact track's "proof of life").
PROOF_OF_LIFE_KINDS = (
    Term("call", _l("Phone or video call"), _l("The family spoke to them or saw them on a call.")),
    Term("message_or_letter", _l("Message or letter"), _l("A message or letter written by them.")),
    Term("photo_or_video", _l("Photo or video"), _l("A recent photo or video of them.")),
    Term("visit", _l("Visit"), _l("Someone saw them in person, for example a prison visit.")),
    Term("official_statement", _l("Official statement"),
         _l("Authorities said they were alive, for example in a reply to the UN.")),
    Term("state_media", _l("State media appearance"), _l("They appeared in state media.")),
    Term("third_party", _l("Someone else's word"), _l("A released detainee or other person saw them.")),
)

# Health concerns of a relative; the details go in a sealed note.
HEALTH_CONCERNS = (
    Term("untreated_illness", _l("Illness without treatment"),
         _l("A known illness or condition that is not being treated.")),
    Term("injury_or_torture", _l("Injury or signs of torture"),
         _l("Injuries, or reports of torture or ill-treatment.")),
    Term("hunger_strike", _l("Hunger strike"), _l("Refusing food in protest.")),
    Term("mental_health", _l("Mental health"), _l("Serious distress or a mental health condition.")),
    Term("elderly_or_frail", _l("Elderly or frail"), _l("Old age or frailty that detention endangers.")),
    Term("pregnancy", _l("Pregnancy"), _l("Pregnant or recently gave birth.")),
    Term("other", _l("Other concern"), _l("Another health concern.")),
)

# How sure the size of a group is (issue 12 item 3): "the Hong Kong 47" is exact, "at least 100"
# a floor, "about 1,000" an estimate. Statistics count a group as its size.
GROUP_SIZE_KINDS = (
    Term("exact", _l("Exactly"), _l("The number of members is known.")),
    Term("at_least", _l("At least"), _l("At least this many; there may be more.")),
    Term("estimated", _l("About"), _l("An estimate of the number of members.")),
)

COMMUNITIES = (
    Term("uyghur", _l("Uyghur"), _l("Uyghur people and others from East Turkistan (Xinjiang).")),
    Term("tibetan", _l("Tibetan"), _l("Tibetan people, in or from Tibet or in exile.")),
    Term("hongkong", _l("Hong Konger"), _l("People from Hong Kong.")),
    Term("chinese_dissident", _l("Chinese dissident"),
         _l("Critics of the Chinese government not covered by another community here.")),
    Term("kazakh", _l("Kazakh"), _l("Kazakh people, including those with family in Xinjiang.")),
    Term("southern_mongolian", _l("Southern Mongolian"),
         _l("Mongolian people from Inner Mongolia.")),
    Term("falun_gong", _l("Falun Gong"), _l("Practitioners of Falun Gong.")),
    Term("cambodian", _l("Cambodian"), _l("People from Cambodia.")),
    # Added beyond DESIGN §4: Vietnamese, Lao and Thai exiles are seized and returned in
    # the same mutual cross-border arrangements as Cambodian ones, so the organisations
    # that serve Cambodian reporters receive their reports too.
    Term("vietnamese", _l("Vietnamese"), _l("People from Vietnam.")),
    Term("lao", _l("Lao"), _l("People from Laos.")),
    Term("thai", _l("Thai"), _l("People from Thailand.")),
    Term("eritrean", _l("Eritrean"), _l("People from Eritrea.")),
    Term("rwandan", _l("Rwandan"), _l("People from Rwanda.")),
    Term("nicaraguan", _l("Nicaraguan"), _l("People from Nicaragua.")),
    Term("cuban", _l("Cuban"), _l("People from Cuba.")),
    Term("other", _l("Other community"), _l("A community not listed here.")),
)

DATE_PRECISIONS = (
    Term("exact", _l("Exact date"), _l("The day is known.")),
    Term("month", _l("Month only"), _l("The month and year are known, not the day.")),
    Term("year", _l("Year only"), _l("Only the year is known.")),
    Term("estimate", _l("Rough estimate"),
         _l("A best guess, such as 'early 2019' or 'about two years ago'.")),
    Term("unknown", _l("Date not known"), _l("There is no idea when it happened.")),
)

SUBMITTER_ROLES = (
    Term("self", _l("It happened to me"), _l("You are the person who was targeted.")),
    Term("relative", _l("It happened to my family"),
         _l("You are reporting what happened to a relative.")),
    Term("witness", _l("I saw it happen"), _l("You saw or heard what happened to someone else.")),
    Term("third_party", _l("I am reporting for someone else"),
         _l("You are a friend, lawyer, organisation or other helper reporting for them.")),
)

INTAKE_CHANNELS = (
    Term("web", _l("Website form"), _l("Sent through the public reporting form.")),
    Term("api", _l("Partner system"),
         _l("Sent by a partner organisation's system through the API.")),
    Term("caseworker", _l("Entered by a caseworker"),
         _l("Typed in by staff from a call, meeting or letter.")),
    Term("import", _l("Imported"), _l("Loaded in bulk from another dataset.")),
    Term("openrosa", _l("Offline collection app"),
         _l("Gathered offline with ODK Collect, KoboCollect or Tella and sent from a registered device.")),
)

REPORT_STATUSES = (
    Term("new", _l("New"), _l("Received and not yet looked at.")),
    Term("in_triage", _l("Being reviewed"), _l("A caseworker is reviewing it.")),
    Term("accepted", _l("Accepted"), _l("Reviewed and used to record one or more incidents.")),
    Term("duplicate", _l("Duplicate"), _l("Describes something already reported.")),
    Term("rejected", _l("Not taken forward"),
         _l("Reviewed but outside the tracker's scope or not credible.")),
    Term("spam", _l("Spam"), _l("Junk, abuse or a deliberate flood of false reports.")),
)

VERIFICATION_LEVELS = (
    Term("unverified", _l("Not yet checked"), _l("No one has checked this yet.")),
    Term("credible", _l("Credible"),
         _l("The account is consistent and plausible, but not yet confirmed by another "
            "source.")),
    Term("corroborated", _l("Supported by other sources"),
         _l("At least one independent source or piece of evidence supports it.")),
    Term("verified", _l("Verified"),
         _l("Confirmed by documents, files or several independent sources.")),
)

CASE_STATUSES = (
    Term("open", _l("Open"), _l("Created and waiting for someone to take it on.")),
    Term("active", _l("Active"), _l("A caseworker is working on it.")),
    Term("monitoring", _l("Monitoring"), _l("No action needed now, but the situation is watched.")),
    Term("referred", _l("Referred"), _l("Handed to another organisation or authority.")),
    Term("closed", _l("Closed"), _l("No further work planned.")),
)

PRIORITIES = (
    Term("low", _l("Low"), _l("Can wait until more urgent work is done.")),
    Term("normal", _l("Normal"), _l("Handle in the usual order.")),
    Term("high", _l("High"), _l("Handle before normal work.")),
    Term("urgent", _l("Urgent"), _l("Needs attention today.")),
)

RISK_LEVELS = (
    Term("low", _l("Low"), _l("No sign of a threat to anyone's safety.")),
    Term("medium", _l("Medium"), _l("Some threat, but no sign of imminent harm.")),
    Term("high", _l("High"), _l("A serious threat of arrest, violence or forced return.")),
    Term("critical", _l("Critical"),
         _l("Someone's life or liberty is in danger now and needs immediate action.")),
)

INVOLVEMENT_ROLES = (
    Term("target", _l("Targeted person"), _l("The person the repression was aimed at.")),
    Term("relative_targeted", _l("Relative targeted"),
         _l("A family member harmed or pressured because of the targeted person.")),
    Term("perpetrator", _l("Perpetrator"), _l("A person or body who carried out or ordered it.")),
    Term("witness", _l("Witness"), _l("Someone who saw or knows first-hand what happened.")),
)

RETALIATION = (
    Term("yes", _l("Yes"), _l("Officials said so, or the link is otherwise clear.")),
    Term("likely", _l("Probably"), _l("The timing or circumstances strongly suggest it.")),
    Term("no", _l("No"), _l("It was not connected to the person abroad.")),
    Term("unknown", _l("Not known"), _l("It is not known whether there was a link.")),
)

HOST_STATE_ROLES = (
    Term("none_known", _l("None known"), _l("Nothing is known about the host state's role.")),
    Term("unaware", _l("Unaware"), _l("The host state's authorities did not know about it.")),
    Term("failed_to_act", _l("Failed to act"),
         _l("Authorities were told but did not respond or protect the person.")),
    Term("complicit", _l("Looked the other way"),
         _l("Authorities knowingly allowed it to happen.")),
    Term("cooperated", _l("Took part"),
         _l("Authorities actively helped, for example by arresting or deporting the person.")),
    Term("protected", _l("Protected the person"),
         _l("Authorities acted to protect the person or hold the perpetrators to account.")),
)

LOCATION_PRECISIONS = (
    Term("country", _l("Country"), _l("Only the country is known.")),
    Term("admin1", _l("Region or province"), _l("The state, province or region is known.")),
    Term("county", _l("County or district"),
         _l("The county, district or prefecture below the province is known.")),
    Term("city", _l("City or town"), _l("The city, town or village is known.")),
    Term("neighbourhood", _l("Neighbourhood"), _l("The district or neighbourhood is known.")),
    Term("point", _l("Exact place"), _l("The street address or exact spot is known.")),
)

INTERVENTION_TYPES = (
    Term("referral_host_police", _l("Referred to local police"),
         _l("The case was reported to police in the country where the person lives.")),
    Term("referral_host_government", _l("Referred to the host government"),
         _l("The case was raised with a ministry, member of parliament or other "
            "official of the host state.")),
    Term("un_urgent_appeal", _l("UN urgent appeal"),
         _l("An urgent appeal was sent to United Nations human rights experts.")),
    # Issue 15 item 4: a referral dossier to the Working Group is followed apart from other UN
    # submissions, because it transmits the case to the government and reports the reply.
    Term("un_wgeid", _l("UN Working Group on Enforced Disappearances"),
         _l("The case of a disappeared person was sent to the UN Working Group on Enforced or "
            "Involuntary Disappearances.")),
    Term("un_special_procedures", _l("Other UN submission"),
         _l("Information was sent to a UN special rapporteur, working group or treaty "
            "body.")),
    Term("media", _l("Media"), _l("The case was shared with journalists, with consent.")),
    Term("legal_aid", _l("Legal help"), _l("A lawyer or legal clinic was found or paid for.")),
    Term("safety_planning", _l("Safety planning"),
         _l("A plan was made to reduce physical risk, such as moving or changing "
            "routines.")),
    Term("psychosocial_support", _l("Emotional support"),
         _l("Counselling or other support for stress and trauma.")),
    Term("digital_security_support", _l("Digital security help"),
         _l("Help checking or securing phones, computers and accounts.")),
    Term("advocacy_letter", _l("Advocacy letter"),
         _l("A letter or statement was sent to officials or other decision makers.")),
    Term("other", _l("Other action"), _l("Any other action taken.")),
)

INTERVENTION_OUTCOMES = (
    Term("pending", _l("Waiting"), _l("No result yet.")),
    Term("successful", _l("Worked"), _l("It achieved what was intended.")),
    Term("partially_successful", _l("Partly worked"), _l("It achieved some of what was intended.")),
    Term("no_response", _l("No response"), _l("There was no reply or reaction.")),
    Term("unsuccessful", _l("Did not work"), _l("It did not achieve what was intended.")),
    Term("unknown", _l("Not known"), _l("The result is not known.")),
)

INCIDENT_LINK_TYPES = (
    Term("caused", _l("Caused"), _l("The first incident led directly to the second.")),
    Term("followed", _l("Followed"), _l("The second came after the first, with a likely link.")),
    Term("related", _l("Related"), _l("The incidents are connected in some other way.")),
    Term("same_campaign", _l("Same campaign"),
         _l("Both are part of one campaign against the same person or group.")),
)

REPORT_TARGETS = (
    Term("me", _l("Me"), _l("It was aimed at you.")),
    Term("relative", _l("A relative"), _l("It was aimed at a member of your family.")),
    Term("organisation", _l("An organisation"),
         _l("It was aimed at a group, association or media outlet.")),
    Term("other", _l("Someone else"), _l("It was aimed at another person.")),
)

VOCABULARIES: Mapping[str, tuple[Term, ...]] = MappingProxyType({
    "tactic_category": TACTIC_CATEGORIES,
    "tactic": TACTICS,
    "channel": CHANNELS,
    "perpetrator_type": PERPETRATOR_TYPES,
    "attribution": ATTRIBUTIONS,
    "demand": DEMANDS,
    "relationship_type": RELATIONSHIP_TYPES,
    "relative_status": RELATIVE_STATUSES,
    "target_type": TARGET_TYPES,
    "community": COMMUNITIES,
    "date_precision": DATE_PRECISIONS,
    "submitter_role": SUBMITTER_ROLES,
    "intake_channel": INTAKE_CHANNELS,
    "report_status": REPORT_STATUSES,
    "verification": VERIFICATION_LEVELS,
    "case_status": CASE_STATUSES,
    "priority": PRIORITIES,
    "risk_level": RISK_LEVELS,
    "involvement_role": INVOLVEMENT_ROLES,
    "retaliation": RETALIATION,
    "retaliation_reason": RETALIATION_REASONS,
    "proof_of_life_kind": PROOF_OF_LIFE_KINDS,
    "health_concern": HEALTH_CONCERNS,
    "group_size_kind": GROUP_SIZE_KINDS,
    "host_state_role": HOST_STATE_ROLES,
    "location_precision": LOCATION_PRECISIONS,
    "intervention_type": INTERVENTION_TYPES,
    "intervention_outcome": INTERVENTION_OUTCOMES,
    "incident_link_type": INCIDENT_LINK_TYPES,
    "report_target": REPORT_TARGETS,
})

# Lookup tables; building dicts is cheap and needs no application.
_BY_CODE: Mapping[str, Mapping[str, Term]] = MappingProxyType({
    name: MappingProxyType({t.code: t for t in vocabulary})
    for name, vocabulary in VOCABULARIES.items()
})


def terms(vocabulary: str) -> tuple[Term, ...]:
    """Return a vocabulary's terms in display order; KeyError if it does not exist."""
    return VOCABULARIES[vocabulary]


def codes(vocabulary: str) -> frozenset[str]:
    """Return the set of codes a database column of this vocabulary may hold."""
    return frozenset(_BY_CODE[vocabulary])


def is_code(vocabulary: str, code: str) -> bool:
    """Tell whether `code` belongs to the vocabulary (False for unknown vocabularies too)."""
    return code in _BY_CODE.get(vocabulary, {})


def term(vocabulary: str, code: str) -> Term:
    """Return the term for a code; KeyError for an unknown vocabulary or code."""
    return _BY_CODE[vocabulary][code]


def label(vocabulary: str, code: str) -> str:
    """Return a code's label, translated into the current locale."""
    return str(term(vocabulary, code).label)


def choices(vocabulary: str) -> list[tuple[str, str]]:
    """Return (code, translated label) pairs for a form field, translated now."""
    return [(t.code, str(t.label)) for t in terms(vocabulary)]


def status_track(status_code: str) -> str:
    """Return "contact" or "custody": the track of a relative status (KeyError if unknown)."""
    return "contact" if term("relative_status", status_code).group in CONTACT_GROUPS else "custody"


def physical_tactics() -> frozenset[str]:
    """Return the tactic codes Freedom House counts as physical incidents."""
    return frozenset(t.code for t in TACTICS if t.physical)


def category_of(tactic_code: str) -> str:
    """Return the Freedom House category code of a tactic; KeyError if unknown."""
    category = term("tactic", tactic_code).group
    if category is None:  # check_vocabularies() rules this out; keep the type honest
        raise ValueError(f"tactic {tactic_code!r} has no category")
    return category


def check_vocabularies() -> None:
    """Raise ValueError listing every malformed code or group; the tests call this."""
    problems = []
    for name, vocabulary in VOCABULARIES.items():
        seen: set[str] = set()
        for t in vocabulary:
            if not CODE_PATTERN.fullmatch(t.code):
                problems.append(f"{name}: {t.code!r} is not a lower-case ASCII identifier")
            if t.code in seen:
                problems.append(f"{name}: {t.code!r} appears twice")
            seen.add(t.code)
            if t.physical and name != "tactic":
                problems.append(f"{name}: {t.code!r} is marked physical but is no tactic")
    categories = codes("tactic_category")
    for t in TACTICS:
        if t.group not in categories:
            problems.append(f"tactic: {t.code!r} has no known category ({t.group!r})")
    for t in RELATIVE_STATUSES:
        if t.group not in RELATIVE_STATUS_GROUPS:
            problems.append(f"relative_status: {t.code!r} has no known group ({t.group!r})")
    if problems:
        raise ValueError("; ".join(problems))
