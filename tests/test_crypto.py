"""The sealing layer: round trips, purpose binding, tampering, key rotation, digests."""
from __future__ import annotations

import os

import pytest

from tests.conftest import TEST_ORG_KID, TEST_ORG_PRIVATE
from tracker import sealed_box
from tracker.crypto import Sealer, SealError

# A service secret: sealed with the symmetric keyring (format 1), which rotation concerns.
SERVICE = "user.totp_secret"


def sealer(active: str = "k1", **keys: bytes) -> Sealer:
    """A sealer with a keyring and the test organisation key (held open by tests/conftest.py)."""
    keys = keys or {"k1": os.urandom(32)}
    made = Sealer(keys, active, b"i" * 32)
    made.set_organisation_key(TEST_ORG_KID, sealed_box.public_bytes(TEST_ORG_PRIVATE))
    return made


def test_text_round_trip_in_every_script():
    s = sealer()
    for text in ["Aziz Tursun", "ئەزىز تۇرسۇن", "བསྟན་འཛིན་", "王磊", ""]:
        assert s.open_text("person.names", s.seal_text("person.names", text)) == text


def test_same_plaintext_seals_differently_each_time():
    s = sealer()
    assert s.seal_text("p", "same") != s.seal_text("p", "same")


def test_a_value_sealed_for_one_purpose_does_not_open_for_another():
    s = sealer()
    token = s.seal_text("report.narrative", "my father was detained")
    with pytest.raises(SealError):
        s.open_text("message.body", token)


def test_tampering_is_detected():
    s = sealer()
    token = bytearray(s.seal_text("p", "secret"))
    token[-1] ^= 1
    with pytest.raises(SealError):
        s.open_text("p", bytes(token))


def test_values_sealed_with_an_old_key_open_after_rotation():
    old, new = os.urandom(32), os.urandom(32)
    before = Sealer({"old": old}, "old", b"i" * 32)
    token = before.seal_text(SERVICE, "kept")
    after = Sealer({"old": old, "new": new}, "new", b"i" * 32)
    assert after.open_text(SERVICE, token) == "kept"
    assert not after.is_sealed_with_active_key(token)
    assert after.is_sealed_with_active_key(after.seal_text(SERVICE, "x"))


def test_unknown_key_fails_closed():
    token = sealer().seal_text(SERVICE, "x")
    with pytest.raises(SealError, match="not in the keyring"):
        sealer("k2", k2=os.urandom(32)).open_text(SERVICE, token)


def test_wrong_key_with_the_same_id_fails_closed():
    token = sealer().seal_text(SERVICE, "x")
    with pytest.raises(SealError):
        sealer().open_text(SERVICE, token)


def test_json_round_trip():
    s = sealer()
    names = [{"name": "王磊", "script": "Hans"}]
    assert s.open_json("person.names", s.seal_json("person.names", names)) == names


def test_blind_index_is_normalised_keyed_and_purpose_bound():
    s = sealer()
    assert s.blind_index("name", " Aziz ") == s.blind_index("name", "aziz")
    assert s.blind_index("name", "aziz") != s.blind_index("place", "aziz")
    other = Sealer({"k1": os.urandom(32)}, "k1", b"j" * 32)
    assert s.blind_index("name", "aziz") != other.blind_index("name", "aziz")


def test_receipt_digest_is_deterministic_and_keyed():
    s = sealer()
    assert s.receipt_digest("ABCD-EFGH") == s.receipt_digest("ABCD-EFGH")
    assert s.receipt_digest("ABCD-EFGH") != s.receipt_digest("ABCD-EFGJ")
    other = Sealer({"k1": os.urandom(32)}, "k1", b"j" * 32)
    assert other.receipt_digest("ABCD-EFGH") != s.receipt_digest("ABCD-EFGH")
    assert len(s.receipt_digest("x")) == 64


def test_values_sealed_to_the_organisation_key_open_only_with_its_private_key():
    s = sealer()
    token = s.seal_text("report.narrative", "my father was detained")
    assert token[:1] == b"\x02"
    assert s.open_text("report.narrative", token) == "my father was detained"  # key held open here
    from tracker.crypto import SealedValueLocked

    tampered = bytearray(token)
    tampered[-1] ^= 1
    with pytest.raises(SealError):
        s.open_bytes("report.narrative", bytes(tampered))
    with pytest.raises(SealedValueLocked):
        _open_with_nothing_held(s, token)


def _open_with_nothing_held(s: Sealer, token: bytes) -> str:
    """Open a value in a context where no private key is open (a request with nobody signed in)."""
    import contextvars

    from tracker import keyholder

    def attempt():
        keyholder._open_keys.set(keyholder.MappingProxyType({}))  # as close_for_request does
        return s.open_text("report.narrative", token)

    return contextvars.copy_context().run(attempt)


def test_a_sealing_batch_shares_one_ephemeral_key_and_everything_still_opens():
    s = sealer()
    with sealed_box.shared_ephemeral_keys():
        batch = [s.seal_text("person.names", f"name {n}") for n in range(3)]
    alone = s.seal_text("person.names", "name 0")
    ephemeral = {token[2 + token[1]: 2 + token[1] + 32] for token in batch}
    assert len(ephemeral) == 1 and alone[2 + alone[1]: 2 + alone[1] + 32] not in ephemeral
    assert [s.open_text("person.names", token) for token in batch] == ["name 0", "name 1", "name 2"]
    assert len(set(batch)) == 3  # fresh nonces
