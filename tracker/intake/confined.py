"""Running the file parser (tracker/intake/sanitise.py) in a child process held to limits.

A web worker never decodes a reporter's image, PDF or recording itself: a 154 KB PNG of
6300×6300 pixels once took 770 MB and 6.7 s inside it (issue 16). The child gets an address-space
and CPU limit (setrlimit, set by the child before it reads the file), a wall-clock timeout, no
environment, and the file on standard input; whatever it does, the worker only waits and reads.
"""
from __future__ import annotations

import struct
# A fixed argument list and no shell: the child is our own script.
import subprocess  # nosec B404
import sys
from dataclasses import dataclass
from pathlib import Path

from . import sanitise

SCRIPT = str(Path(sanitise.__file__).resolve())
# 1 is an uncaught parser error: the file is malformed. A signal (SIGXCPU, SIGKILL) or a
# MemoryError means the file needs more than the limits allow.
REASONS = {1: "damaged", sanitise.EXIT_DAMAGED: "damaged", sanitise.EXIT_TOO_LARGE: "too_large",
           sanitise.EXIT_LOCKED: "locked"}


@dataclass(frozen=True)
class DecodeLimits:
    """What one file may cost the server to parse: memory (MB), CPU seconds, wall seconds."""

    memory_mb: int = 512
    cpu_seconds: int = 20
    wall_seconds: float = 30.0


class ConfinedFailure(Exception):
    """The child refused the file or went past its limits; ``reason`` is an EvidenceRejected code."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def run_confined(task: str, data: bytes, limits: DecodeLimits) -> list[bytes]:
    """Run one sanitise task on ``data`` in a limited child process; return its results."""
    command = [sys.executable, "-I", SCRIPT, task, str(limits.memory_mb), str(limits.cpu_seconds)]
    try:
        finished = subprocess.run(  # noqa: S603  # nosec B603
            command, input=data, capture_output=True, timeout=limits.wall_seconds, env={}, check=False)
    except subprocess.TimeoutExpired as exc:  # run() has killed the child
        raise ConfinedFailure("too_complex") from exc
    if finished.returncode != 0:
        raise ConfinedFailure(REASONS.get(finished.returncode, "too_complex"))
    return _frames(finished.stdout)


def _frames(output: bytes) -> list[bytes]:
    """Split the child's output into its length-prefixed results."""
    frames, offset = [], 0
    while offset < len(output):
        (size,) = struct.unpack(">Q", output[offset:offset + 8])
        frames.append(output[offset + 8:offset + 8 + size])
        offset += 8 + size
    return frames
