"""FREQUENCY rules, parsed to ``{per_day}`` (administrations per day).

Covered: "daily", "once daily", "twice a day", "three times weekly", "bid"/"b.i.d."/"BID",
"tid", "qid", "qd", "qod", "q12h", "q2w", "every 14 days", "every other week",
"every 2 weeks", "weekly", "monthly", "per day", and a slash after a dose: "4mg/day"
gives the FREQUENCY "/day", "20mg/12h" gives "/12h" (per_day 2), "300mg/14 days" gives
"/14 days". "As needed"/"prn" gives ``{per_day: None, prn: True}``; "once" or "single dose"
right after a dose gives ``{per_day: None, single: True}``. A month counts 30.44 days.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from extractor.nlp.units import (
    DAYS_PER,
    NUM,
    TIME_UNIT,
    Gate,
    Hit,
    any_keyword,
    ci,
    gate,
    lower_same_length,
    non_overlapping,
    parse_num,
    scan,
    time_unit,
    word_start,
)

_COUNTS = {
    "once": 1, "twice": 2, "thrice": 3, "one": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6,
}
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "eight": 8, "twelve": 12,
    "other": 2, "second": 2, "alternate": 2,
}
_ADVERBS = {
    "daily": 1.0, "nightly": 1.0, "hourly": 24.0, "weekly": 1 / 7, "fortnightly": 1 / 14,
    "biweekly": 1 / 14, "bi-weekly": 1 / 14, "monthly": 1 / DAYS_PER["month"],
    "yearly": 1 / DAYS_PER["year"], "annually": 1 / DAYS_PER["year"],
}
_ABBREVIATIONS = {
    "bid": 2.0, "tid": 3.0, "qid": 4.0, "qd": 1.0, "qod": 0.5, "qam": 1.0, "qpm": 1.0,
    "qhs": 1.0, "qw": 1 / 7, "qwk": 1 / 7,
}
_PERIOD = r"(?:day|daily|week|weekly|month|monthly|year|yearly|d|wk|night)"
_COUNT = r"(?:once|twice|thrice|(?:one|two|three|four|five|six|\d+)\s*(?:times|x|×))"
_N = rf"(?:{NUM}|one|two|three|four|six|eight|twelve)"
_TO = r"\s*(?:-|–|to)\s*"

_Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], "dict[str, object] | None"], Gate | None]


def _days(unit: str) -> float:
    canon = time_unit(unit) or {"daily": "day", "weekly": "week", "monthly": "month",
                                "yearly": "year", "night": "day"}.get(unit.lower(), "day")
    return DAYS_PER[canon]


def _count(text: str) -> float:
    word = text.lower().split()[0].rstrip("x×")
    return float(_COUNTS.get(word) or parse_num(re.sub(r"\D+$", "", word)))


def _number(text: str) -> float:
    return float(_NUMBER_WORDS.get(text.lower()) or parse_num(text))


def _per(value: float) -> dict[str, object]:
    return {"per_day": round(value, 4)}


def _count_per(m: re.Match[str]) -> dict[str, object]:
    count = _count(m.group("count"))
    if m.groupdict().get("n"):
        return _per(count / (_number(m.group("n")) * _days(m.group("unit"))))
    return _per(count / _days(m.group("unit")))


def _every(m: re.Match[str]) -> dict[str, object] | None:
    n = _number(m.group("n")) if m.group("n") else 1.0
    return _per(1 / (n * _days(m.group("unit")))) if n > 0 else None


def _adverb(m: re.Match[str]) -> dict[str, object]:
    return _per(_ADVERBS[m.group("adv").lower()])


def _abbreviation(m: re.Match[str]) -> dict[str, object] | None:
    if m.group("prn"):
        return {"per_day": None, "prn": True}
    if m.group("qn"):
        n = parse_num(m.group("qn"))
        unit = {"h": "hour", "hr": "hour", "d": "day"}.get(m.group("qu").lower(), "week")
        return _per(1 / (n * DAYS_PER[unit])) if n > 0 else None
    key = m.group("abbr").lower().replace(".", "")
    return _per(_ABBREVIATIONS[key])


def _slash(m: re.Match[str]) -> dict[str, object] | None:
    n = parse_num(m.group("n")) if m.group("n") else 1.0
    unit = m.group("unit")
    if unit.lower() in ("dose", "doses"):
        return None
    return _per(1 / (n * DAYS_PER[time_unit(unit) or "day"])) if n > 0 else None


def _per_word(m: re.Match[str]) -> dict[str, object]:
    return _per(1 / _days(m.group("unit")))


def _single(m: re.Match[str]) -> dict[str, object]:
    return {"per_day": None, "single": True}


# All rules run on lower-cased text (units.lower_same_length); a leading word boundary
# is checked by units.scan, except for the slash rule (the slash follows a unit).
_RULES: list[_Rule] = [
    (ci(rf"(?P<count>{_COUNT})[\s-]*(?:(?:a|per|each|/)\s*)?(?P<unit>{_PERIOD}s?)\b"),
     _count_per, gate(r"once|twice|thrice|times|\d\s*[x×]", 8)),
    (ci(rf"(?P<count>{_COUNT})[\s-]*every\s+(?P<n>other|second|alternate|{_N})\s*"
        rf"(?P<unit>{_PERIOD}s?)\b"), _count_per, gate("every", 20)),
    (ci(rf"every\s+(?:(?P<n>{_N}|other|second|alternate)(?:{_TO}{NUM})?[\s-]*)?"
        r"(?P<unit>hours?|h|days?|weeks?|months?|years?|night|morning|evening)\b"), _every,
     None),
    (ci(r"(?:once[\s-]+)?(?P<adv>daily|nightly|hourly|weekly|fortnightly|bi-?weekly|monthly"
        r"|yearly|annually)\b(?!\s+(?:life|living|activities|practice|routine|clinical))"),
     _adverb, gate("daily|nightly|hourly|weekly|fortnightly|monthly|yearly|annually", 6)),
    (ci(r"(?:(?P<abbr>b\.i\.d\.?|t\.i\.d\.?|q\.i\.d\.?|q\.o\.d\.?|q\.d\.?|bid|tid|qid"
        r"|qod|qd|qam|qpm|qhs|qwk|qw)|q(?P<qn>\d+)\s?(?P<qu>hrs?|h|d|wks?|w)"
        r"|(?P<prn>prn|p\.r\.n\.?|as\s+needed))(?![\w])"), _abbreviation,
     gate(r"[btq]\.|bid|tid|qid|qod|qd|qam|qpm|qhs|qw|q\d|prn|p\.r|needed", 4)),
    (ci(rf"/\s*(?:(?P<n>{NUM})\s*)?(?P<unit>{TIME_UNIT}|doses?)(?![a-z])"), _slash,
     None),
    (ci(r"per\s+(?P<unit>day|week|month|year|night)\b"), _per_word, None),
    (ci(r"(?:once|as\s+a\s+single\s+dose|single\s+dose)\b"
        r"(?![\s-]+(?:a|per|daily|weekly|every|monthly)\b)"), _single, gate("once|single", 5)),
]
# The word each ungated rule opens with (see units.scan: text without it is not searched).
_NEEDLES: dict[object, tuple[str, ...]] = {_every: ("every",), _slash: ("/",), _per_word: ("per",)}
# Text where this finds nothing holds no match of any rule (units.any_keyword).
_ANY_RULE = any_keyword([keywords or _NEEDLES[parse] for _, parse, keywords in _RULES])
# A slash frequency only follows a dose ("4mg/day", "0.5 mg/kg/day", "20mg/12h").
_DOSE_BEFORE = ci(r"(?:\d|mg|g|µg|μg|mcg|ug|ng|ml|iu|units?|kg|m²|m2|%)\s*$")
_DOSE_NEAR = ci(r"\d\s*(?:mg|g|µg|μg|mcg|ug|ng|ml|iu|units|puffs?|tablets?|drops)\b")
_DOSE_UNIT_BEFORE = ci(r"(?:mg|g|µg|μg|mcg|ug|ng|ml|iu|units|kg|m²|m2)\s$")


def find_frequencies(text: str, low: str | None = None) -> list[Hit]:
    """FREQUENCY hits in ``text`` (``low``: its ``lower_same_length``, if computed)."""
    low = lower_same_length(text) if low is None else low
    hits: list[Hit] = []
    if _ANY_RULE.search(low) is None:
        return hits
    for regex, parse, keywords in _RULES:
        for m in scan(regex, low, None if parse is _slash else word_start, keywords,
                      _NEEDLES.get(parse)):
            start = m.start()
            if parse is _slash:
                # the slash must follow a dose or its unit
                if not _DOSE_BEFORE.search(low, max(0, start - 8), start):
                    continue
            elif parse is _single and not _DOSE_UNIT_BEFORE.search(low, max(0, start - 6), start):
                continue
            elif m.group(0)[:2] == "as" and not _DOSE_NEAR.search(
                    low, max(0, start - 30), start):
                continue  # "as needed" only in a dosing instruction ("10 mg as needed")
            value = parse(m)
            if value is not None:
                hits.append(Hit(start, m.end(), value))
    return non_overlapping(hits)
