"""Numbers as journals print them: one reader for the pattern rules and the table records.

Journals write "0·6" (a raised decimal point), "−1.2" (a unicode minus), "10–20 mg" (an en
dash range), "1,234" (a thousands separator), "23 (55.0)" (a count and its percentage),
"9.4 (1.3)" (a mean and its SD), "12 [8–15]" (a median and its IQR), "8/112 (7.1)"
(events over patients, with the percentage). Everything here is a pure function of the text.

:func:`fold` rewrites the printing variants to plain ASCII *without changing any offset*
(every replacement is one character for one character), so a rule can match the folded text
and report offsets into the original. The parsers below fold first.

Decimal commas are read conservatively: "1,234" is one thousand two hundred and
thirty-four, "0,5" is a half (no thousands group starts with 0), and "1,5" is nothing (a
list, a decimal comma or a typo; a reviewer prefers a blank to a guess).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

# A raised or centred dot between digits is a decimal point ("0·6", "p<0·0001").
_DECIMAL_DOTS = "\u00b7\u2219\u22c5\u2027"
_MINUS = "\u2212\ufe63\uff0d"
_DOT_RE = re.compile(rf"(?<=[\d<>=≤≥(\[\s])[{_DECIMAL_DOTS}](?=\d)")
_NEEDS_FOLD = re.compile(rf"[{_DECIMAL_DOTS}{_MINUS}]|(?![0-9])\d")
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")  # a decimal digit of another script
_MINUS_TO_HYPHEN = str.maketrans(dict.fromkeys(_MINUS, "-"))

# A number in folded text: thousands groups of exactly three ("1,234,567"), a decimal part,
# a leading-dot decimal (".05"). No sign: callers decide whether a dash before a number is a
# minus or a range joiner. The whole-string readers below also take a "0,5" decimal comma.
NUMBER = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
# Joiners of a range: hyphen, en/em/figure dash, a minus typeset as a dash, "to".
RANGE_JOINER = r"\s*(?:-|–|—|‒|−|to)\s*"

_SIGNED = rf"-?(?:{NUMBER}|0,\d+)"
_WHOLE_NUMBER = re.compile(rf"\s*(?P<n>-?(?:{NUMBER}|0,\d+))\s*")
_RANGE = re.compile(
    rf"\s*(?P<a>{_SIGNED})\s*%?{RANGE_JOINER}(?P<b>{_SIGNED})\s*%?\s*")
# Footnote marks and significance stars after a cell's value ("82 (23.2) †", "0.01*").
_MARKS = re.compile(r"[\s*†‡§¶#]+$|(?<=[\d)\]%])\s*[a-e]$")

StatKind = Literal[
    "number", "percent", "range", "count_percent", "count_total", "mean_sd", "mean_se",
    "median_iqr", "median_range", "mean_range", "estimate_ci", "interval",
]


@dataclass(frozen=True)
class Stat:
    """What one cell or phrase states: ``value`` is the count, mean, median or estimate;
    the other fields are filled where the kind has them (``low``/``high``: an IQR, range,
    confidence interval or the two ends of a range)."""

    kind: StatKind
    value: float
    percent: float | None = None
    total: int | None = None
    sd: float | None = None
    se: float | None = None
    low: float | None = None
    high: float | None = None

    @property
    def count(self) -> int | None:
        """The count of a "n (%)" or "x/y" cell, else None."""
        if self.kind in ("count_percent", "count_total") or (
                self.kind == "number" and self.value.is_integer() and self.value >= 0):
            return int(self.value)
        return None


def fold(text: str) -> str:
    """``text`` with journal numerals in ASCII, every offset unchanged: unicode digits
    become 0-9, a raised/centred dot before a digit becomes ".", a unicode minus "-".

    Runs on whole documents, so the work is done by C-level string methods; text without a
    character to fold comes back as it is.
    """
    if text.isascii() or _NEEDS_FOLD.search(text) is None:
        return text
    text = _DOT_RE.sub(".", text).translate(_MINUS_TO_HYPHEN)
    return _OTHER_DIGIT.sub(lambda m: str(unicodedata.decimal(m.group())), text)


def parse_number(text: str) -> float | None:
    """The number a whole string writes ("1,234" -> 1234.0, "−0·6" -> -0.6, " 12 " -> 12.0),
    or None ("1,5", "12 mg", "")."""
    m = _WHOLE_NUMBER.fullmatch(fold(text))
    return _float(m.group("n")) if m else None


def parse_range(text: str) -> tuple[float, float] | None:
    """(low, high) of a whole-string range: "10–20", "10 to 20", "−5 to 5", "1·5—2·5",
    "10%–20%"; None for anything else (and for a "range" whose ends are reversed)."""
    m = _RANGE.fullmatch(fold(text))
    if not m:
        return None
    a, b = _float(m.group("a")), _float(m.group("b"))
    return (a, b) if a <= b else None


def _float(text: str) -> float:
    text = text.replace(" ", "")
    if re.fullmatch(r"-?0,\d+", text):
        return float(text.replace(",", "."))
    return float(text.replace(",", ""))


def strip_marks(text: str) -> str:
    """A cell's text without trailing footnote marks and stars ("23 (4.5) †" -> "23 (4.5)")."""
    return _MARKS.sub("", " ".join(text.split()))


_N = rf"-?(?:{NUMBER}|0,\d+)"
_PAREN = re.compile(
    rf"(?P<a>{_N})\s*(?P<pct0>%)?\s*[(\[]\s*(?P<b>{_N})\s*(?P<pct>%)?\s*"
    rf"(?:(?:-|–|—|‒|\bto\b|,|;)\s*(?P<c>{_N})\s*%?\s*)?[)\]]")
_FRACTION = re.compile(
    rf"(?P<a>\d+)\s*/\s*(?P<t>\d+)(?:\s*[(\[]\s*(?P<b>{_N})\s*%?\s*[)\]])?")
_PLUS_MINUS = re.compile(rf"(?P<a>{_N})\s*(?:±|\+/-|\+-)\s*(?P<b>{NUMBER})")
_PERCENT = re.compile(rf"(?P<a>{_N})\s*%")
_HINT_SD = re.compile(r"\bs\.?d\.?\b|standard deviation", re.I)
_HINT_SE = re.compile(r"\bs\.?e\.?(?:m\.?)?\b|standard error", re.I)
_HINT_IQR = re.compile(r"\biqr\b|interquartile|\bq1\s*[,–-]\s*q3\b", re.I)
_HINT_RANGE = re.compile(r"\brange\b|\bmin\s*[,–-]\s*max\b", re.I)
_HINT_CI = re.compile(r"\bci\b|confidence", re.I)
_HINT_MEAN = re.compile(r"\bmean\b|\baverage\b", re.I)
_HINT_MEDIAN = re.compile(r"\bmedian\b", re.I)
_HINT_PERCENT = re.compile(r"\bn\s*\(\s*%\s*\)|\(%\)|%|\bno\.\s*\(|\bnumber\b", re.I)


def parse_stat(text: str, hint: str = "") -> Stat | None:
    """What a table cell (or a short phrase) states, read with ``hint``: the row label,
    column header and caption, which say what "a (b)" means ("n (%)", "mean (SD)", "median
    (IQR)", "95% CI", "range"). None when the text is not one statistic.

    Without a hint, "a (b)" is a count and percentage only when b carries "%", and
    "a (b–c)" is an ``interval``: the reader is not told which kind of interval it is.
    """
    body = strip_marks(fold(text))
    if not body:
        return None
    number = parse_number(body)
    if number is not None:
        return Stat("number", number)
    m = _FRACTION.fullmatch(body)
    if m:
        events, total = int(m.group("a")), int(m.group("t"))
        if total == 0 or events > total:
            return None
        pct = _float(m.group("b")) if m.group("b") else None
        return Stat("count_total", float(events), percent=pct, total=total)
    m = _PLUS_MINUS.fullmatch(body)
    if m:
        a, b = _float(m.group("a")), _float(m.group("b"))
        if _HINT_SE.search(hint) and not _HINT_SD.search(hint):
            return Stat("mean_se", a, se=b)
        return Stat("mean_sd", a, sd=b)
    m = _PAREN.fullmatch(body)
    if m:
        return _paren(m, hint)
    m = _PERCENT.fullmatch(body)
    if m:
        return Stat("percent", _float(m.group("a")), percent=_float(m.group("a")))
    span = parse_range(body)
    if span is not None:
        return Stat("range", span[0], low=span[0], high=span[1])
    return None


def _paren(m: re.Match[str], hint: str) -> Stat | None:
    a, b = _float(m.group("a")), _float(m.group("b"))
    if m.group("c") is not None:
        c = _float(m.group("c"))
        if b > c:
            return None
        if _HINT_IQR.search(hint):
            return Stat("median_iqr", a, low=b, high=c)
        if _HINT_RANGE.search(hint):
            kind: StatKind = "mean_range" if _HINT_MEAN.search(hint) and \
                not _HINT_MEDIAN.search(hint) else "median_range"
            return Stat(kind, a, low=b, high=c)
        if _HINT_CI.search(hint):
            return Stat("estimate_ci", a, low=b, high=c)
        return Stat("interval", a, low=b, high=c)
    if m.group("pct0"):
        return None  # "12% (3)": not a form this reader knows
    is_count = a.is_integer() and a >= 0 and 0 <= b <= 100
    if m.group("pct") and is_count:
        return Stat("count_percent", a, percent=b)
    if _HINT_SE.search(hint) and not _HINT_SD.search(hint):
        return Stat("mean_se", a, se=b)
    if _HINT_SD.search(hint):
        return Stat("mean_sd", a, sd=b)
    if _HINT_PERCENT.search(hint) and is_count:
        return Stat("count_percent", a, percent=b)
    return None
