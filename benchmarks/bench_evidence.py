"""What a hostile image costs the server: decoded in the web process, against in the confined child.

Run: ``python benchmarks/bench_evidence.py [--size 6300] [--memory-mb 512]``. It builds an RGB PNG
of ``--size``² black pixels (about 150 KB for 6300², the file of issue 16's finding) and strips it
twice, each in a fresh Python process so the figures do not mix:

- in process: ``tracker.intake.sanitise.clean_image`` called directly, as a web worker would if
  it parsed the file itself; the process's peak resident memory (ru_maxrss) and the time;
- confined: ``tracker.intake.confined.run_confined`` from a process standing for the web worker;
  the worker's own peak memory growth, the child's peak, and the time (process start included).

It also sends a PDF of 20 pages through the child to draw them as pictures (the caseworker's safe
view), and prints the ratios: worker memory growth confined / in process, and time confined / in
process (the price of the child process).
"""
from __future__ import annotations

import argparse
import json
import subprocess  # nosec B404
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

IN_PROCESS = """
import json, resource, sys, time
from tracker.intake.sanitise import clean_image
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
clean_image(data)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": time.perf_counter() - started, "worker_peak_kb": peak, "worker_growth_kb": peak - before}))
"""
CONFINED = """
import json, resource, sys, time
from tracker.intake.confined import DecodeLimits, run_confined
data = open(sys.argv[1], "rb").read()
task = sys.argv[2]
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
run_confined(task, data, DecodeLimits(memory_mb=int(sys.argv[3])))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": time.perf_counter() - started, "worker_peak_kb": peak, "worker_growth_kb": peak - before,
                  "child_peak_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def measure(script: str, *args: str) -> dict:
    """Run one measuring script in a fresh interpreter; return what it printed."""
    command = [sys.executable, "-c", script, *args]
    finished = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True)  # noqa: S603  # nosec B603
    return json.loads(finished.stdout)


def main() -> None:
    """Build the files, measure each way, print figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=6300)
    parser.add_argument("--memory-mb", type=int, default=512)
    options = parser.parse_args()
    from tests.intake.files import pdf_with_hidden_identity, png_of_one_colour

    with tempfile.TemporaryDirectory() as folder:
        png, pdf = Path(folder, "bomb.png"), Path(folder, "long.pdf")
        png.write_bytes(png_of_one_colour(options.size, options.size))
        pdf.write_bytes(pdf_with_hidden_identity(pages=20))
        inside = measure(IN_PROCESS, str(png))
        confined = measure(CONFINED, str(png), "image", str(options.memory_mb))
        pages = measure(CONFINED, str(pdf), "pdf-pages", str(options.memory_mb))
        print(f"PNG {options.size}x{options.size}, {png.stat().st_size} bytes")
    print(f"in process: {inside['seconds']:.2f} s, worker peak {inside['worker_peak_kb'] / 1024:.0f} MB "
          f"(+{inside['worker_growth_kb'] / 1024:.0f} MB)")
    print(f"confined:   {confined['seconds']:.2f} s, worker +{confined['worker_growth_kb'] / 1024:.0f} MB, "
          f"child peak {confined['child_peak_kb'] / 1024:.0f} MB (limit {options.memory_mb} MB address space)")
    print(f"20-page PDF drawn for the safe view: {pages['seconds']:.2f} s, "
          f"child peak {pages['child_peak_kb'] / 1024:.0f} MB")
    growth = max(confined["worker_growth_kb"], 1) / max(inside["worker_growth_kb"], 1)
    print(f"ratio worker memory growth confined/in process: {growth:.3f}")
    print(f"ratio time confined/in process: {confined['seconds'] / inside['seconds']:.2f}")


if __name__ == "__main__":
    main()
