"""TOTP codes (±1 step, each step once), recovery codes (single use), the server-drawn QR code."""
from __future__ import annotations

import base64
from datetime import timedelta

import pyotp
import pytest
from sqlmodel import select

from tests.factories import make_user
from tracker.models import RecoveryCode
from tracker.staff import clock
from tracker.staff.accounts import new_totp_secret
from tracker.staff.second_factor import (
    accept_totp, enrolment_qr_svg, issue_recovery_codes, matching_step, remaining_recovery_codes, time_step,
    use_recovery_code,
)


def test_secrets_are_160_bits():
    secret = new_totp_secret()
    assert len(base64.b32decode(secret)) == 20 and secret != new_totp_secret()


@pytest.mark.parametrize(("offset", "accepted"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)])
def test_one_step_of_drift_either_way(offset, accepted):
    secret, moment = new_totp_secret(), clock.now()
    code = pyotp.TOTP(secret).generate_otp(time_step(moment) + offset)
    assert (matching_step(secret, code, moment, None) is not None) is accepted


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 34 5"])
def test_malformed_codes_are_refused(code):
    assert matching_step(new_totp_secret(), code, clock.now(), None) is None


def test_a_step_is_accepted_once_and_never_an_earlier_one(session, staff_clock):
    user = make_user(session)
    totp = pyotp.TOTP(user.totp_secret)
    step = time_step(staff_clock.now())
    assert accept_totp(user, totp.generate_otp(step))
    assert not accept_totp(user, totp.generate_otp(step))  # replay
    assert not accept_totp(user, totp.generate_otp(step - 1))  # older, though within drift
    assert accept_totp(user, totp.generate_otp(step + 1))
    assert user.totp_last_step == step + 1


def test_recovery_codes_are_single_use_and_stored_as_digests(session):
    user = make_user(session)
    codes = issue_recovery_codes(session, user.id)
    session.commit()
    assert len(codes) == 10
    digests = session.exec(select(RecoveryCode.code_digest)).all()
    assert not any(code.replace("-", "") in digest.upper() for code in codes for digest in digests)
    assert use_recovery_code(session, user.id, codes[3].lower().replace("-", " "))
    assert not use_recovery_code(session, user.id, codes[3])
    assert remaining_recovery_codes(session, user.id) == 9


def test_recovery_codes_belong_to_their_owner(session):
    owner, other = make_user(session), make_user(session)
    codes = issue_recovery_codes(session, owner.id)
    assert not use_recovery_code(session, other.id, codes[0])


def test_new_recovery_codes_replace_the_old_ones(session):
    user = make_user(session)
    old = issue_recovery_codes(session, user.id)
    issue_recovery_codes(session, user.id)
    assert not use_recovery_code(session, user.id, old[0])
    assert remaining_recovery_codes(session, user.id) == 10


def test_qr_code_is_inline_svg_with_no_style_or_link(app):
    svg = enrolment_qr_svg("otpauth://totp/TNR%20tracker:a%40example.org?secret=JBSWY3DPEHPK3PXP")
    assert svg.startswith("<svg") and "<path" in svg
    assert "style=" not in svg and "http" not in svg and "xlink" not in svg


def test_clock_can_be_moved(staff_clock):
    before = clock.now()
    staff_clock.advance(90)
    assert clock.now() - before == timedelta(seconds=90)
