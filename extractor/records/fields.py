"""Field converters shared by every record builder (study, table rows, arms, findings).

A mention's parsed value becomes its typed record field here, once: the study record
(records/study.py), the table records (records/table*.py) and the findings
(records/findings.py) all read drugs, doses, routes, frequencies, durations, timepoints and
measure names the same way.
"""

from __future__ import annotations

import re

from extractor.evidence import Dose, Duration, Frequency, Mention, Route

# Statuses of a drug mention that make it one of this study's interventions (None: a mention
# from a source that sets no status).
GIVEN = frozenset({"given", None})

TIMEPOINT = re.compile(
    r"\b(?:(week|month|day|wk)s?\s*(\d+(?:\.\d+)?)\b|(\d+(?:\.\d+)?)[\s-]*(week|month|day)s?\b)",
    re.IGNORECASE,
)

TIMEPOINT_IN_SENTENCE = re.compile(
    r"\b(?:(?:at|after|by|through|until|to|following|of)\s+(?:week|month|day)\s*\d+"
    r"|(?:at|after|by|through|until|following|up to)\s+\d+(?:\.\d+)?\s+(?:weeks?|months?|days?)"
    r"|(?:week|month|day)\s+\d+)\b",
    re.IGNORECASE,
)


def as_float(x: object) -> float | None:
    """A number of a mention's parsed value (not a bool), else None."""
    if isinstance(x, bool):
        return None
    if isinstance(x, int | float):
        return float(x)
    if isinstance(x, str):
        try:
            return float(x)
        except ValueError:
            return None
    return None


def as_str(x: object) -> str | None:
    """A non-blank text of a mention's parsed value, else None."""
    return str(x) if x is not None and str(x).strip() else None


def mention_name(m: Mention) -> str:
    """Normalized lower-case name of a mention, else its lower-case text."""
    return (m.normalized.name or m.text).strip().lower()


def dose_of(m: Mention) -> Dose:
    """The Dose field of a DOSE mention (its parsed value and text)."""
    v = m.value
    return Dose(value=as_float(v.get("value")), value_max=as_float(v.get("value_max")),
                unit=as_str(v.get("unit")), text=m.text)


def frequency_of(m: Mention) -> Frequency:
    """The Frequency field of a FREQUENCY mention."""
    return Frequency(per_day=as_float(m.value.get("per_day")), text=m.text)


def route_of(m: Mention) -> Route:
    """The Route field of a ROUTE mention (the canonical route name, lower case)."""
    name = as_str(m.value.get("route")) or m.normalized.name or m.text.strip().lower()
    return Route(name=name.lower(), text=m.text)


def duration_of(m: Mention) -> Duration:
    """The Duration field of a DURATION mention."""
    v = m.value
    return Duration(value=as_float(v.get("value")), unit=as_str(v.get("unit")),
                    days=as_float(v.get("days")), text=m.text)


def canonical_timepoint(text: str) -> str | None:
    """"week 16" for "week 16", "Week16", "16 weeks", "after 16 weeks"; None if no timepoint."""
    m = TIMEPOINT.search(text)
    if not m:
        return None
    unit = (m.group(1) or m.group(4)).lower()
    unit = "week" if unit == "wk" else unit
    number = m.group(2) or m.group(3)
    return f"{unit} {number}"


def canonical_measure(text: str) -> str:
    """"EASI-75" for "EASI 75"; "complete response" for "Complete responses"."""
    text = " ".join(text.split())
    m = re.fullmatch(r"([A-Za-z][A-Za-z-]*?)[\s-]?(\d+)", text)
    if m and m.group(1).isupper():
        return f"{m.group(1)}-{m.group(2)}"
    if not any(c.isupper() for c in text[1:]):
        text = text.lower()
        text = re.sub(r"\b(response|remission|improvement|reduction)s\b", r"\1", text)
    return text
