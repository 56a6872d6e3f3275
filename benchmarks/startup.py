"""Start-up time of ``extractor extract -`` on one sentence, and where the import time goes.

Runs ``extractor extract -`` (the installed command beside this interpreter) on one
sentence read from stdin, ``--runs`` times (default 5), and prints each wall time and the
median (goal: <= 3 s on the two-core machine). The fuzzy linker is not needed for this
sentence, so its index is neither built nor loaded here. Then runs the same command once
under ``python -X importtime`` and prints the ``--top`` (default 10) top-level packages
with the largest import time (their modules' own times added up).

Run: .venv/bin/python benchmarks/startup.py [--runs N] [--top N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

SENTENCE = ("A 62-year-old man received methotrexate 15 mg weekly and developed "
            "transaminitis.\n")
EXTRACTOR = Path(sys.executable).with_name("extractor")


def time_once() -> float:
    """Wall seconds of one ``extractor extract -`` run (fails loudly when it fails)."""
    start = time.perf_counter()
    proc = subprocess.run([str(EXTRACTOR), "extract", "-"], input=SENTENCE, text=True,
                          capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0 or '"methotrexate"' not in proc.stdout:
        sys.exit(f"extractor extract - failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed


def import_times() -> list[tuple[int, str]]:
    """(self microseconds, module) of every import in one run, from ``-X importtime``."""
    code = ("import sys; from extractor.cli import main; "
            "sys.argv = ['extractor', 'extract', '-']; main()")
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code], input=SENTENCE,
                          text=True, capture_output=True, check=False)
    rows = []
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "cumulative" not in line:
            own, _, name = line[len("import time:"):].split("|")
            rows.append((int(own), name.strip()))
    return rows


def by_package(rows: list[tuple[int, str]]) -> list[tuple[float, str]]:
    """Seconds per top-level package (its modules' own import times added up: nothing is
    counted twice, and the rows add up to the whole import time), slowest first."""
    totals: dict[str, int] = {}
    for own, name in rows:
        root = name.split(".")[0]
        totals[root] = totals.get(root, 0) + own
    return sorted(((us / 1e6, root) for root, us in totals.items()), reverse=True)


def main() -> None:
    """Print the start-up times and the import breakdown."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--top", type=int, default=10)
    args = ap.parse_args()
    times = [time_once() for _ in range(args.runs)]
    print("extractor extract - on one sentence: " + ", ".join(f"{t:.2f}" for t in times)
          + f" s; median {statistics.median(times):.2f} s (goal <= 3 s)")
    packages = by_package(import_times())
    print(f"imports: {sum(s for s, _ in packages):.2f} s in all; the {args.top} slowest "
          "packages (own import time of their modules):")
    for seconds, name in packages[:args.top]:
        print(f"  {seconds:6.2f} s  {name}")


if __name__ == "__main__":
    main()
