"""What sealing to the organisation's public key costs, against the symmetric keyring it replaced.

Prints microseconds per value to seal and to open a 300-character narrative with format 1
(AES-256-GCM under a server key) and format 2 (X25519 + HKDF + AES-256-GCM, tracker.sealed_box),
the ratio, and format 2 within one shared-ephemeral batch (what demo-data and imports use).

    python benchmarks/bench_sealing.py [--values 3000]
"""
from __future__ import annotations

import argparse
import os
import time

from tracker import keyholder, orgkey, sealed_box
from tracker.crypto import Sealer

NARRATIVE = "They called my father again and asked about my posts. " * 6


def per_value(action, count: int) -> float:
    """Microseconds per call, best of three runs."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(count):
            action()
        best = min(best, (time.perf_counter() - start) / count * 1e6)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=3000)
    count = parser.parse_args().values
    private = sealed_box.new_private_key()
    kid = orgkey.key_id_for(sealed_box.public_bytes(private))
    sealer = Sealer({"k1": os.urandom(32)}, "k1", os.urandom(32))
    sealer.set_organisation_key(kid, sealed_box.public_bytes(private))
    data = NARRATIVE.encode()
    v1 = sealer.seal_with_keyring("report.narrative", data)
    v2 = sealer.seal_bytes("report.narrative", data)
    with keyholder.holding({kid: private}):
        rows = {
            "seal, format 1 (server key)": per_value(lambda: sealer.seal_with_keyring("report.narrative", data), count),
            "seal, format 2 (organisation key)": per_value(lambda: sealer.seal_bytes("report.narrative", data), count),
            "open, format 1": per_value(lambda: sealer.open_bytes("report.narrative", v1), count),
            "open, format 2": per_value(lambda: sealer.open_bytes("report.narrative", v2), count),
        }
        with sealed_box.shared_ephemeral_keys():
            rows["seal, format 2 in a batch"] = per_value(lambda: sealer.seal_bytes("report.narrative", data), count)
    for name, micros in rows.items():
        print(f"{name:36s} {micros:8.1f} µs")
    print(f"ratio seal 2/1: {rows['seal, format 2 (organisation key)'] / rows['seal, format 1 (server key)']:.1f}; "
          f"open 2/1: {rows['open, format 2'] / rows['open, format 1']:.1f}; "
          f"a page opening 150 values: {rows['open, format 2'] * 150 / 1000:.1f} ms")


if __name__ == "__main__":
    main()
