"""Receipt codes: 80 bits, readable aloud, forgiving of look-alikes, derived and never stored."""
from __future__ import annotations

import re

import pytest

from tracker.crypto import Sealer
from tracker.intake.receipts import ALPHABET, normalise_receipt, receipt_from_token

SEALER = Sealer({"k": b"\x01" * 32}, "k", b"\x02" * 32)
SHAPE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")


def test_a_receipt_carries_80_bits_in_four_groups():
    receipt = receipt_from_token(SEALER, "token-one-abcdefghijklmnop")
    assert SHAPE.match(receipt)
    assert len(ALPHABET) ** 16 == 2 ** 80


def test_the_same_token_gives_the_same_receipt_and_others_differ():
    receipts = {receipt_from_token(SEALER, f"token-{i:04d}-abcdefghijklmnop") for i in range(500)}
    assert len(receipts) == 500
    assert receipt_from_token(SEALER, "token-x") == receipt_from_token(SEALER, "token-x")


def test_another_index_key_gives_another_receipt():
    other = Sealer({"k": b"\x01" * 32}, "k", b"\x03" * 32)
    assert receipt_from_token(SEALER, "token-x") != receipt_from_token(other, "token-x")


@pytest.mark.parametrize("typed, expected", [
    ("7kq2-m9xd-4hfa-0rtw", "7KQ2-M9XD-4HFA-0RTW"),
    ("7KQ2 M9XD 4HFA ORTW", "7KQ2-M9XD-4HFA-0RTW"),     # O for zero
    ("7KQ2M9XD4HFA0RTW", "7KQ2-M9XD-4HFA-0RTW"),
    ("lKQ2-M9XD-4HFA-0RTI", "1KQ2-M9XD-4HFA-0RT1"),    # l and I for one
    ("7KQ2-M9XD-4HFA", None),                          # too short
    ("7KQ2-M9XD-4HFA-0RTU", None),                     # U is not in the alphabet
    ("", None),
])
def test_typing_is_forgiven_within_reason(typed, expected):
    assert normalise_receipt(typed) == expected


def test_the_digest_is_slow_keyed_and_not_the_receipt():
    receipt = receipt_from_token(SEALER, "token-y")
    digest = SEALER.receipt_digest(receipt)
    assert receipt.replace("-", "") not in digest.upper()
    other = Sealer({"k": b"\x01" * 32}, "k", b"\x04" * 32)
    assert other.receipt_digest(receipt) != digest


def test_a_digest_says_its_profile_version_and_fits_the_column():
    from tracker.crypto import RECEIPT_PROFILES, RECEIPT_VERSION

    receipt = receipt_from_token(SEALER, "token-z")
    digests = SEALER.receipt_digests(receipt)
    assert set(digests) == set(RECEIPT_PROFILES) and digests[RECEIPT_VERSION] == SEALER.receipt_digest(receipt)
    assert re.fullmatch(r"[0-9a-f]{64}", digests[1])  # version 1, as stored before versions existed
    assert all(digest.startswith(f"{version}$") and len(digest) == 64
               for version, digest in digests.items() if version > 1)
    assert len(set(digests.values())) == len(digests)
