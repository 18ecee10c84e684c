"""Receipt codes: how a reporter comes back to a report without an account.

A receipt is 16 characters of Crockford base32 (80 bits), written in four groups of four
(``7KQ2-M9XD-4HFA-0RTW``): no I, L, O or U, so it survives being read aloud or copied by hand,
and typing mistakes between look-alikes (O/0, I/L/1) are forgiven. Only the keyed, slow
``Sealer.receipt_digest`` of it is stored (DESIGN §3).

The receipt is derived from the form's random retry token with a keyed MAC, never stored: a
retried POST can show the same receipt again, while the database keeps only a digest of the
token (a different keyed digest), so neither the token nor the receipt can be recovered from it.
"""
from __future__ import annotations


from ..crypto import Sealer

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_LENGTH = 16
GROUP = 4
# Crockford's decoding rules: look-alikes map to the digit they resemble.
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def receipt_from_token(sealer: Sealer, idempotency_key: str) -> str:
    """The receipt a submission with this retry token gets (80 bits of a keyed MAC)."""
    mac = sealer.token_digest("report.receipt", idempotency_key)
    number = int(mac[:20], 16)  # 20 hex digits = 80 bits
    chars = [ALPHABET[(number >> shift) & 31] for shift in range(75, -1, -5)]
    return format_receipt("".join(chars))


def format_receipt(compact: str) -> str:
    """Group a 16-character receipt as XXXX-XXXX-XXXX-XXXX."""
    return "-".join(compact[i:i + GROUP] for i in range(0, len(compact), GROUP))


def normalise_receipt(typed: str) -> str | None:
    """The canonical receipt for what someone typed, or None if it cannot be one."""
    compact = "".join(ch for ch in typed.upper() if ch.isalnum()).translate(_LOOK_ALIKES)
    if len(compact) != RECEIPT_LENGTH or any(ch not in ALPHABET for ch in compact):
        return None
    return format_receipt(compact)


def idempotency_digest(sealer: Sealer, idempotency_key: str) -> str:
    """What report.idempotency_key stores: a keyed digest, so the token itself is never kept."""
    return sealer.token_digest("report.idempotency", idempotency_key)
