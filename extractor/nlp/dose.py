"""DOSE rules: an amount with a dosing unit, parsed to ``{value, value_max, unit}``.

The span covers the number (or range) and the unit: "15mg", "10-20 mg", "10 to 20 mg",
"2.5 mg", "0.5 mg/kg", "100 mg/m²", "0.1%" (topical); "between 10 and 20 mg" gives
"10 and 20 mg" (10 to 20). A frequency glued to the dose
("4mg/day", "0.5 mg/kg/day") is *not* part of the dose: "/day" is a FREQUENCY of its own.

Units are normalized: mg (also the typos "smg", "mgs"), g, µg (mcg, ug, μg), ng, mL, IU,
units, %, and any of those per kg or per m² ("mg/kg", "µg/kg", "mg/m²", also "mg/m2"). An
infusion rate keeps its time in the unit ("ng/kg/min", "mg/kg/h"); a daily or weekly amount
does not ("0.5 mg/kg/day" is the dose "0.5 mg/kg" and the FREQUENCY "/day"). Both ends of a
range are kept (value, value_max), and journal numerals read as ASCII ("0·5", "10–20", "1,000";
see units.lower_same_length). Laboratory values are not doses: a unit
followed by "/L", "/dL", "/mL", "/min" or "/10^9" is skipped, and so are "kg" (body weight)
and "fL". A percentage is a dose only before a formulation word ("0.1% ointment") or right
after a drug mention found earlier in the pipeline ("tacrolimus 0.1%"), and never before
"of" ("50% of patients").

Dose words without an amount are doses too, as PHEE annotates them: "high-dose",
"low dose", "therapeutic doses", "overdose" (value ``{"qualifier": "high"}`` and so on,
no amount); an amount nearby is still its own mention, and the records prefer it.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from extractor.nlp.units import (
    NUM,
    RANGE_SEP,
    Hit,
    ci,
    gate,
    lower_same_length,
    non_overlapping,
    parse_num,
    scan,
)

_UNITS = {
    "mg": "mg", "smg": "mg", "mgs": "mg", "milligram": "mg", "milligrams": "mg",
    "g": "g", "gram": "g", "grams": "g",
    "µg": "µg", "μg": "µg", "mcg": "µg", "ug": "µg", "microgram": "µg", "micrograms": "µg",
    "ng": "ng", "ml": "mL",
    "iu": "IU", "international units": "IU", "unit": "units", "units": "units",
    "mmol": "mmol", "meq": "mEq", "%": "%",
}
_AMOUNT = r"(?:mg|g|µg|μg|mcg|ug|ng|mL|ml|IU|units?|mmol|mEq)"
# per body weight or surface, then for an infusion a rate: "ng/kg/min", "mg/m2/h"
_PER_BODY = (rf"{_AMOUNT}\s*(?:/|\s+per\s+)\s*(?:kg|m[²2])"
             r"(?:\s*/\s*(?:min|minute|h|hr|hour)(?![a-z]))?")
_SIMPLE = (
    r"milligrams?|micrograms?|grams?|international\s+units|units?|smg|mgs|mg|mcg|µg|μg|ug"
    r"|ng|mL|ml|IU|g|%"
)
_UNIT = rf"(?:{_PER_BODY}|{_SIMPLE})"
# These run on lower-cased text (units.lower_same_length), hence lower-case patterns.
_LAB_AFTER = ci(r"\s*/\s*(?:[dcm]?l\b|min\b|10\s*\^|mmol\b|g\b)")
_FORMULATION = ci(
    r"\s*(?:w/w\s*|w/v\s*)?(?:cream|ointment|gel|lotion|solution|foam|shampoo|eye\s+drops"
    r"|drops?|spray|tincture|paste|patch|topical|emollient|suspension)\b"
)
_OF_AFTER = ci(r"\s*of\b")

DOSE_RE = ci(
    r"(?P<between>between\s+)?"  # "between 10 and 20 mg": both ends, not the last alone
    rf"(?P<v1>{NUM})"
    rf"(?:\s*(?:mg|µg|mcg|g|IU|units?|%))?"  # "10 mg to 20 mg": the first unit repeated
    rf"(?:(?(between)\s+and\s+|{RANGE_SEP})(?P<v2>{NUM}))?"
    rf"\s*-?\s*(?P<unit>{_UNIT})(?![a-z0-9²µμ])"
)


_PER_PART = {"kg": "kg", "m2": "m²", "m²": "m²", "min": "min", "minute": "min", "h": "h",
             "hr": "h", "hour": "h"}


def normalize_unit(text: str) -> str:
    """Canonical dose unit ("mcg" -> "µg", "mg/m2" -> "mg/m²", "smg" -> "mg",
    "mcg/kg/min" -> "µg/kg/min")."""
    text = re.sub(r"\s+per\s+", "/", text.lower())  # "mg per kg"
    if "/" not in text:
        key = re.sub(r"\s+", " ", text)
        return _UNITS.get(key, key)
    amount, *per = re.sub(r"\s+", "", text).split("/")
    head = _UNITS.get(amount, amount)
    return "/".join([head, *(_PER_PART.get(p, p) for p in per)])


def _number_start(text: str, i: int) -> bool:
    # not inside a word, a decimal, "10^9" or "cells/10"
    return i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_.^/")


def find_doses(text: str, drug_ends: Collection[int] = (), low: str | None = None) -> list[Hit]:
    """DOSE hits in ``text``; ``drug_ends`` are end offsets of drug mentions (for "%").

    ``low`` is ``lower_same_length(text)`` when the caller has it already.
    """
    low = lower_same_length(text) if low is None else low
    hits: list[Hit] = []
    for m in scan(DOSE_RE, low, _number_start):
        end = m.end()
        if _LAB_AFTER.match(low, end):
            continue
        unit = normalize_unit(m.group("unit"))
        if unit == "%" and not _percent_is_dose(low, m.start(), end, drug_ends):
            continue
        v1 = parse_num(m.group("v1"))
        v2 = m.group("v2")
        value: dict[str, object] = {
            "value": v1,
            "value_max": parse_num(v2) if v2 else None,
            "unit": unit,
        }
        hits.append(Hit(m.start("v1"), end, value))
    return non_overlapping([*hits, *find_qualitative_doses(text, low)])


QUALITATIVE_RE = ci(
    r"(?P<q>high(?:er)?|low(?:er)?|therapeutic|normal|standard|usual|conventional"
    r"|single|multiple|repeated|toxic|excessive|massive|large|small|full|reduced|maximal"
    r"|maximum)[\s-]+dos(?:es?|ages?)\b(?![\s-]+(?:of|escalation|reduction|adjustment))"
    r"|(?P<over>over-?dos(?:es?|age))\b")
_QUALITATIVE_GATE = gate(r"dos", 30)


def find_qualitative_doses(text: str, low: str | None = None) -> list[Hit]:
    """Dose words without an amount ("high-dose", "overdose"; module docstring)."""
    low = lower_same_length(text) if low is None else low
    return [Hit(m.start(), m.end(),
                {"qualifier": "overdose" if m.group("over") else m.group("q")})
            for m in scan(QUALITATIVE_RE, low, _word_start, _QUALITATIVE_GATE)]


def _word_start(text: str, i: int) -> bool:
    return i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "-")


def _percent_is_dose(text: str, start: int, end: int, drug_ends: Collection[int]) -> bool:
    if _OF_AFTER.match(text, end):
        return False
    if _FORMULATION.match(text, end):
        return True
    k = start
    while k > 0 and text[k - 1] in " \t":
        k -= 1
    return k in drug_ends
