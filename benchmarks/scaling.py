"""How extraction time grows with document length (issue 17: the goal is linear time).

Builds invented case-report text of 10k to 2M characters, either as one line (sentences
joined by spaces) or as many short lines, and times parsing (the text parser) and
extraction (the full pipeline) of each; prints seconds against length and the exponent k
of a least-squares fit of time ~ length^k (k near 1 is linear, near 2 quadratic).

    .venv/bin/python benchmarks/scaling.py                         # 10k .. 2M, both shapes
    .venv/bin/python benchmarks/scaling.py --sizes 10000,50000,200000 --shape line
    .venv/bin/python benchmarks/scaling.py --profile 100000        # where the time goes

A size that takes longer than --max-seconds (default 120) ends its series: the larger
sizes would only take longer.
"""

from __future__ import annotations

import argparse
import cProfile
import math
import pstats
import signal
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractor.parsers import parse_bytes  # noqa: E402
from extractor.pipeline import Pipeline  # noqa: E402

# Invented sentences, cycled with a changing number so no two are the same.
_SENTENCES = (
    "Patient {n} received methotrexate {dose} mg weekly for rheumatoid arthritis.",
    "After {n} weeks of adalimumab 40 mg every 2 weeks she developed a rash.",
    "Nausea and elevated transaminases resolved when prednisone {dose} mg daily was stopped.",
    "No fever or neutropenia was observed during {n} cycles of cisplatin.",
    "He took ibuprofen 400 mg three times daily and reported abdominal pain on day {n}.",
    "Hepatitis was attributed to amoxicillin-clavulanate given for {n} days.",
)
SIZES = (10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000, 2_000_000)


def make_text(chars: int, one_line: bool) -> str:
    """About ``chars`` characters of invented case-report sentences."""
    parts: list[str] = []
    total = i = 0
    while total < chars:
        sentence = _SENTENCES[i % len(_SENTENCES)].format(n=i % 97 + 2, dose=5 * (i % 9 + 1))
        parts.append(sentence)
        total += len(sentence) + 1
        i += 1
    return (" " if one_line else "\n").join(parts)[:chars]


class _TooSlow(Exception):
    pass


def _expire(_signum: int, _frame: Any) -> None:
    raise _TooSlow


def measure(pipeline: Pipeline, text: str, limit: float) -> tuple[float, float] | None:
    """Seconds to parse and to extract ``text``; None past ``limit`` seconds in all."""
    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        started = time.perf_counter()
        doc = parse_bytes(text.encode("utf-8"), "scaling.txt", "text")[0]
        parsed = time.perf_counter()
        pipeline.extract(doc)
        return parsed - started, time.perf_counter() - parsed
    except _TooSlow:
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def exponent(points: list[tuple[int, float]]) -> float | None:
    """The slope of log(seconds) against log(length): time ~ length^slope."""
    points = [(n, s) for n, s in points if s > 0]
    if len(points) < 2:
        return None
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(s) for _, s in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var


def series(pipeline: Pipeline, sizes: list[int], one_line: bool, limit: float) -> None:
    """Print one shape's table and its fitted exponents."""
    shape = "one line" if one_line else "many lines"
    print(f"\n{shape}: chars, parse s, extract s, extract us/char")
    parse_points, extract_points = [], []
    for size in sizes:
        result = measure(pipeline, make_text(size, one_line), limit)
        if result is None:
            print(f"{size:>10,}  over {limit:g} s: larger sizes skipped")
            break
        parse_s, extract_s = result
        parse_points.append((size, parse_s))
        extract_points.append((size, extract_s))
        print(f"{size:>10,}  {parse_s:8.2f}  {extract_s:8.2f}  {1e6 * extract_s / size:8.1f}",
              flush=True)
    for name, points in (("parse", parse_points), ("extract", extract_points)):
        k = exponent(points)
        print(f"{shape}: fitted exponent ({name}): " + (f"{k:.2f}" if k is not None else "-"))


def profile(pipeline: Pipeline, size: int, one_line: bool, top: int = 25) -> None:
    """cProfile of one extraction: the functions with the most time of their own."""
    doc = parse_bytes(make_text(size, one_line).encode("utf-8"), "scaling.txt", "text")[0]
    profiler = cProfile.Profile()
    profiler.enable()
    pipeline.extract(doc)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


def main() -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES),
                        help="comma-separated document lengths in characters")
    parser.add_argument("--shape", choices=["line", "lines", "both"], default="both")
    parser.add_argument("--max-seconds", type=float, default=120.0,
                        help="a size past this ends its series")
    parser.add_argument("--profile", type=int, default=None, metavar="CHARS",
                        help="profile one extraction of this length instead")
    args = parser.parse_args()
    started = time.perf_counter()
    pipeline = Pipeline()
    pipeline.extract(parse_bytes(make_text(2000, False).encode(), "warm.txt", "text")[0])
    print(f"pipeline loaded and warmed in {time.perf_counter() - started:.1f} s")
    shapes = {"line": [True], "lines": [False], "both": [True, False]}[args.shape]
    if args.profile:
        for one_line in shapes:
            profile(pipeline, args.profile, one_line)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    for one_line in shapes:
        series(pipeline, sizes, one_line, args.max_seconds)


if __name__ == "__main__":
    main()
