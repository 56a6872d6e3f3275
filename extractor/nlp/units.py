"""Shared pieces of the pattern rules: rule hits, numbers and time units."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from extractor.numbers import NUMBER, RANGE_JOINER, fold

# A number as written: "1,000", "2.5", ".05", "15". Thousands separators only in groups of 3
# so that "1,2" (a list) is not read as one number. The rules match text that
# lower_same_length has folded (numbers.fold), so "0·6" and "−2" read as "0.6" and "-2".
NUM = NUMBER
# Range joiners between two numbers: "10-20", "10–20", "10 to 20".
RANGE_SEP = RANGE_JOINER

# Days per time unit (a month is a twelfth of a Julian year).
DAYS_PER = {"hour": 1 / 24, "day": 1.0, "week": 7.0, "month": 365.25 / 12, "year": 365.25}

_TIME_UNITS = {
    "h": "hour", "hr": "hour", "hrs": "hour", "hour": "hour", "hours": "hour",
    "d": "day", "day": "day", "days": "day",
    "wk": "week", "wks": "week", "week": "week", "weeks": "week",
    "mo": "month", "mos": "month", "month": "month", "months": "month",
    "y": "year", "yr": "year", "yrs": "year", "year": "year", "years": "year",
}
# Regex alternatives for the time units above, longest first.
TIME_UNIT = r"(?:hours?|hrs?|h|days?|d|weeks?|wks?|months?|mo|years?|yrs?|y)"


# A rule's gate: (keyword regex, how far before the keyword a match may start); see scan().
Gate = tuple[re.Pattern[str], int]


def gate(keywords: str, reach: int) -> Gate:
    """A gate for :func:`scan` (keywords as a regex over the same text as the rule)."""
    return re.compile(keywords), reach


@dataclass(frozen=True)
class Hit:
    """One rule match: character offsets into the document text and the parsed value."""

    start: int
    end: int
    value: dict[str, object] = field(default_factory=dict, compare=False, hash=False)


def parse_num(text: str) -> float:
    """The float of a number as written ("1,000" -> 1000.0, ".05" -> 0.05, "0·6" -> 0.6)."""
    return float(fold(text).replace(",", ""))


def time_unit(text: str) -> str | None:
    """Canonical time unit ("hour", "day", "week", "month", "year") of a word, if it is one."""
    return _TIME_UNITS.get(text.lower())


def non_overlapping(hits: list[Hit]) -> list[Hit]:
    """Keep the longest of overlapping hits (earlier first on ties), in text order."""
    chosen: list[Hit] = []
    taken: set[int] = set()  # occupied characters; hits are short, so this stays linear
    for hit in sorted(hits, key=lambda h: (h.start - h.end, h.start)):
        span = range(hit.start, hit.end)
        if any(i in taken for i in span):
            continue
        taken.update(span)
        chosen.append(hit)
    return sorted(chosen, key=lambda h: h.start)


def lower_same_length(text: str) -> str:
    """``text`` lower-cased with every offset unchanged (a rare "İ" keeps its case), and
    its numerals folded to ASCII (numbers.fold: "0·6" -> "0.6", "−2" -> "-2").

    The case-insensitive rules run on this string without ``re.IGNORECASE``, which is
    several times faster in Python's regex engine; offsets map back to ``text`` as they are.
    """
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return fold(low)


def word_start(text: str, i: int) -> bool:
    """Whether position ``i`` begins a word (what a leading ``\\b`` checks)."""
    return i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")


def scan(regex: re.Pattern[str], text: str,
         start_ok: Callable[[str, int], bool] | None = word_start,
         gate: Gate | None = None,
         needles: tuple[str, ...] | None = None) -> Iterable[re.Match[str]]:
    """Like ``regex.finditer(text)``, keeping only matches whose start passes ``start_ok``.

    A leading ``\\b`` or look-behind stops Python's regex engine from skipping ahead to
    the pattern's first characters, so the rules check the start here instead; a rejected
    match resumes the search one character later, as the regex engine itself would.

    ``gate`` = (keyword regex, reach): every match of ``regex`` contains a keyword hit and
    starts at most ``reach`` characters before it. The cheap keyword scan then finds the few
    places worth trying, which makes the rules several times faster on ordinary text.

    ``needles``: strings one of which every match contains (a gate made of plain words
    gives its own). Text holding none of them is not searched at all: most sentences hold
    none of most rules' words, and a substring test costs far less than a regex search.
    """
    if needles is None and gate is not None:
        needles = gate_needles(gate)
    if needles is not None and not any(n in text for n in needles):
        return ()
    if gate is None:
        return _scan_window(regex, text, start_ok, 0, len(text) + 1)
    return _scan_gated(regex, text, start_ok, gate)


_NEEDLES: dict[re.Pattern[str], tuple[str, ...] | None] = {}


def gate_needles(g: Gate) -> tuple[str, ...] | None:
    """The words of a gate whose keyword regex is an alternation of plain words (a ``\\b``
    aside), else None: text without any of them holds no keyword hit, hence no match."""
    keywords = g[0]
    if keywords not in _NEEDLES:
        parts = keywords.pattern.replace(r"\b", "").split("|")
        plain = all(p and re.escape(p) == p for p in parts)
        _NEEDLES[keywords] = tuple(parts) if plain else None
    return _NEEDLES[keywords]


def any_keyword(keys: list[Gate | tuple[str, ...]]) -> re.Pattern[str]:
    """One regex matching wherever any of several rules' gates or needles matches.

    Every match of a rule holds its gate's keyword (or one of its needles), so text where
    this finds nothing holds no match of any of the rules: one search instead of one per
    rule, for a family of rules that most sentences do not touch at all.
    """
    parts = []
    for key in keys:
        if isinstance(key[0], re.Pattern):
            parts.append(f"(?:{key[0].pattern})")
        else:
            parts.extend(re.escape(str(n)) for n in key)
    return re.compile("|".join(parts))


def _scan_gated(regex: re.Pattern[str], text: str, start_ok: Callable[[str, int], bool] | None,
                gate: Gate) -> Iterator[re.Match[str]]:
    keywords, reach = gate
    pos = 0
    for g in keywords.finditer(text):
        if g.start() < pos:
            continue  # inside the previous match
        end = min(len(text), g.end() + _WINDOW)
        for i in range(max(pos, g.start() - reach), g.start() + 1):
            if start_ok is not None and not start_ok(text, i):
                continue
            m = regex.match(text, i, end)
            if m is not None and m.end() > g.start():
                yield m
                pos = m.end()
                break


# Longest text a gated rule may match after its keyword (a bound for the regex search).
_WINDOW = 400


def _scan_window(regex: re.Pattern[str], text: str,
                 start_ok: Callable[[str, int], bool] | None, lo: int,
                 hi: int) -> Iterator[re.Match[str]]:
    """Matches starting in [lo, hi), non-overlapping."""
    end = len(text)
    pos = lo
    while pos < hi:
        m = regex.search(text, pos, end)
        if m is None or m.start() >= hi:
            return
        if start_ok is not None and not start_ok(text, m.start()):
            pos = m.start() + 1
            continue
        yield m
        pos = m.end() if m.end() > m.start() else m.end() + 1


def ci(pattern: str) -> re.Pattern[str]:
    """Compile a case-insensitive rule for :func:`lower_same_length` text (lower-cased)."""
    if re.search(r"\\[DSWBAZ]", pattern):
        raise ValueError("upper-case escapes change meaning when lower-cased")
    return re.compile(pattern.lower().replace("(?p<", "(?P<").replace("(?p=", "(?P="))
