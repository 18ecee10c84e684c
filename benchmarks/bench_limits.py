"""What one intake limit check costs: three budgets (form pass, address, everyone), against the two
plain counter hits the checks were before (issue 16, item 2), on the same storage, in one run.

Run: ``python benchmarks/bench_limits.py [--checks 2000] [--storage memory:// redis://127.0.0.1:6379/15]``.
For each storage it times ``tracker.limits.admit`` over the budgets of a receipt check inside
a request with a form pass and a known address (every budget counted: the limits are set high),
then two plain ``hit`` calls of the same strategy, and prints milliseconds per check and the ratio.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from limits import parse  # noqa: E402

from tests.conftest import make_test_app  # noqa: E402
from tracker.intake.throttle import budgets, hand_out_pass  # noqa: E402
from tracker.limits import admit  # noqa: E402

HIGH = "1000000 per hour"


def per_check(storage: str, checks: int) -> tuple[float, float]:
    """(ms per three-budget check, ms per two plain hits) on this storage."""
    folder = Path(tempfile.mkdtemp())
    app = make_test_app(folder, f"sqlite:///{folder / 'bench.sqlite3'}", RATELIMIT_STORAGE_URI=storage,
                        INTAKE_RECEIPT_LIMIT=HIGH, INTAKE_RECEIPT_ADDRESS_LIMIT=HIGH, INTAKE_RECEIPT_GLOBAL_LIMIT=HIGH)
    with app.test_request_context("/receipt", method="POST", environ_base={"REMOTE_ADDR": "192.0.2.1"}):
        hand_out_pass()
        start = time.perf_counter()
        for _ in range(checks):
            admit(budgets("RECEIPT"))
        three = (time.perf_counter() - start) / checks * 1e3
        strategy, item = app.extensions["tracker.rate_strategy"], parse(HIGH)
        start = time.perf_counter()
        for _ in range(checks):
            strategy.hit(item, "bench-client", "key")
            strategy.hit(item, "bench-all", "everyone")
        two = (time.perf_counter() - start) / checks * 1e3
    return three, two


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checks", type=int, default=2000)
    parser.add_argument("--storage", nargs="+", default=["memory://", "redis://127.0.0.1:6379/15"])
    args = parser.parse_args()
    for storage in args.storage:
        three, two = per_check(storage, args.checks)
        print(f"{storage}: {three:.3f} ms per check (3 budgets, test then hit) vs {two:.3f} ms "
              f"(2 plain hits): ratio {three / two:.1f}")


if __name__ == "__main__":
    main()
