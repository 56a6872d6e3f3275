"""DURATION rules, parsed to ``{value, value_max, unit, days}``.

The span is the quantity only ("6 months", "21-month", "3–6 weeks"), found where the
context says it is how long something lasted or was given:
- after "for", "over", "during", "lasting", "duration of", "course of", "period of", with
  optional "a median/mean/total (time) of", "at least", "up to": "for 6 months",
  "for a median 20 months", "for a median time of 16 months", "duration of 7 months";
- before "regimen", "course", "treatment", "therapy", "use", "exposure", "follow-up",
  "trial", "into", or "of (up to two words) therapy/treatment/use": "21-month regimen",
  "7 months of combination therapy", "12 months into baricitinib".
Timepoints ("at week 16", "after 16 weeks") are not durations (see outcome.py), nor
table cells holding only a number (issue 4). A decimal quantity is kept ("0.5 months").
"""

from __future__ import annotations

from extractor.nlp.units import (
    DAYS_PER,
    NUM,
    RANGE_SEP,
    Hit,
    ci,
    gate,
    lower_same_length,
    non_overlapping,
    parse_num,
    scan,
    time_unit,
)

_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a": 1, "an": 1,
}
_N = rf"(?:{NUM}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_UNIT = r"(?:hours?|hrs?|days?|weeks?|wks?|months?|mos?|years?|yrs?)"
# (an age is no duration: "for the 16-year-old patient")
_QTY = (rf"(?P<v1>{_N})(?:{RANGE_SEP}(?P<v2>{NUM}))?(?:\s+|-)?(?P<unit>{_UNIT})"
        r"(?![\w]|-old\b|\s+old\b)")

# Both run on lower-cased text (units.lower_same_length).
_BEFORE = ci(
    r"(?:for|over|during|lasting|lasted|duration\s+of|course\s+of|period\s+of)\s+"
    r"(?:(?:a|an|the)\s+)?"
    r"(?:(?:median|mean|average|total|minimum|maximum|further|additional)\s+"
    r"(?:(?:time|duration|period|follow-up)\s+)?(?:of\s+)?)?"
    r"(?:(?:at\s+least|up\s+to|approximately|about|around|more\s+than|over)\s+|~\s*)?"
    + _QTY
)
_AFTER = ci(
    _QTY + r"(?:\s+|-)(?:of\s+(?:[\w-]+\s+){0,2}?(?=(?:therapy|treatment|use|using|exposure"
    r"|administration)\b)|(?=(?:regimens?|course|treatment|therapy|use|exposure|follow-up"
    r"|trial|into|administration)\b))"
)


# every match holds a trigger word, or a time unit a few characters after its number
_BEFORE_GATE = gate(r"for|over|during|lasting|lasted|duration|course|period", 0)
_UNIT_GATE = gate(r"hour|hr|day|week|wk|month|mo|year|yr", 24)


def _num(text: str) -> float:
    return float(_WORD_NUMBERS.get(text.lower()) or parse_num(text))


def find_durations(text: str, low: str | None = None) -> list[Hit]:
    """DURATION hits in ``text`` (``low``: its ``lower_same_length``, if computed)."""
    low = lower_same_length(text) if low is None else low
    hits: list[Hit] = []
    for regex, keywords in ((_BEFORE, _BEFORE_GATE), (_AFTER, _UNIT_GATE)):
        for m in scan(regex, low, gate=keywords):
            unit = time_unit(m.group("unit")) or "day"
            v1 = _num(m.group("v1"))
            v2 = parse_num(m.group("v2")) if m.group("v2") else None
            value: dict[str, object] = {
                "value": v1,
                "value_max": v2,
                "unit": unit,
                "days": round(v1 * DAYS_PER[unit], 2),
            }
            hits.append(Hit(m.start("v1"), m.end("unit"), value))
    return non_overlapping(hits)
