"""OUTCOME rules: named measures and response phrases, with their values parsed.

What the OUTCOME span covers (a choice, made so that one mention is one measured thing):

- a named measure: "EASI-75"/"EASI 75" (canonical "EASI-75"), "EASI", "PASI 90", "SALT≤20",
  "IGA 0/1", "pp-NRS" (also "PP-NRS", "peak pruritus NRS"), "NRS", "DLQI", "CDLQI", "POEM",
  "SCORAD", "ACR20", "DAS28", and the long forms ("eczema area and severity index", ...);
- a response phrase: "complete response", "partial response", "no response",
  "lack of response", "remission", "primary failure", "loss of efficacy",
  "no significant improvement", ... (canonical: lower case, singular).

The statistics of the same sentence are parsed into the measure's ``value`` instead of
becoming mentions of their own: ``{measure, value, unit, timepoint}`` plus, when present,
``value_max``, ``baseline`` ("dropped from 8.00 to 1.00"), ``p_value``/``p_op``, ``ci``
([low, high] of a 95% CI), ``stat`` ("median"/"mean") and ``value_start``/``value_end``
(character offsets of the value in the text, for traceability). Values are percentages and
"from X to Y" changes. A list of values and a list of measures with "respectively" are
paired in order ("100%, 87.5% and 37.5% ... EASI 50, EASI 75 and EASI 90 ...,
respectively"); otherwise a measure takes the first free value after it (before the next
measure), else the last free one before it. The timepoint is the one nearest the measure in
its sentence: "week 16", "at 12 weeks", "after 16 weeks" and "month 6" all normalize to
"<unit> <n>" ("week 16").

Statistics no measure claims still become OUTCOME mentions with ``measure: None``: a
p-value, a 95% CI, and a percentage "of patients/participants/cases..." in a sentence that
speaks of response, improvement, reduction, remission or efficacy. Other percentages are
not outcomes ("a 50% down titration", "affecting 15%-20% of children").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from extractor.nlp.units import (
    NUM,
    Hit,
    any_keyword,
    ci,
    gate,
    lower_same_length,
    non_overlapping,
    parse_num,
    scan,
)
from extractor.numbers import fold


def _fixed(name: str) -> Callable[[re.Match[str]], str]:
    return lambda m: name


def _threshold(name: str) -> Callable[[re.Match[str]], str]:
    return lambda m: f"{name}-{m.group('t')}" if m.group("t") else name


def _salt(m: re.Match[str]) -> str:
    if m.group("op"):
        return f"SALT{m.group('op').replace('<=', '≤')}{m.group('t')}"
    return f"SALT-{m.group('t2')}" if m.group("t2") else "SALT"


def _response(m: re.Match[str]) -> str:
    words = re.sub(r"\s+", " ", m.group(0))
    return re.sub(r"(response|remission)s\b", r"\1", words)


_E = r"(?![A-Za-z])"  # word end for abbreviations
# (regex, canonical name, runs on the lower-cased text?). Abbreviations are matched in
# their usual case on the text; long forms and phrases on units.lower_same_length(text).
_MEASURES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str], bool]] = [
    (re.compile(rf"EASI(?:[\s-]?(?P<t>50|75|90|100)\b)?{_E}"), _threshold("EASI"), False),
    (re.compile(rf"PASI(?:[\s-]?(?P<t>50|75|90|100)\b)?{_E}"), _threshold("PASI"), False),
    (re.compile(rf"SALT(?:\s*score)?(?:\s*(?P<op><=|≤|<)\s*(?P<t>\d+)|[\s-]?(?P<t2>50|75|90"
                rf"|100)\b)?{_E}"), _salt, False),
    (re.compile(r"v?IGA(?:-AD)?(?:\s*(?:score\s*)?(?:of\s*)?(?P<t>0\s*(?:/|or|–|-)\s*1))?"
                r"(?![\w])"), lambda m: "IGA 0/1" if m.group("t") else "IGA", False),
    (re.compile(rf"(?:pp|PP|Pp)[\s-]?NRS{_E}"), _fixed("pp-NRS"), False),
    (ci(r"peak\s+pruritus\s+(?:nrs|numeric(?:al)?\s+rating\s+scale)"), _fixed("pp-NRS"), True),
    (re.compile(rf"(?:(?:[Ii]tch|[Pp]ruritus)\s+)?NRS(?:[\s-]?(?:itch|pruritus))?{_E}"),
     _fixed("NRS"), False),
    (re.compile(rf"C?DLQI{_E}"), lambda m: m.group(0), False),
    (ci(r"(?:children'?s\s+)?dermatology\s+life\s+quality\s+index"),
     lambda m: "CDLQI" if m.group(0).startswith("child") else "DLQI", True),
    (re.compile(rf"POEM{_E}"), _fixed("POEM"), False),
    (ci(r"patient[\s-]oriented\s+eczema\s+measure"), _fixed("POEM"), True),
    (re.compile(rf"o?SCORAD{_E}"), lambda m: m.group(0), False),
    (ci(r"eczema\s+area\s+and\s+severity\s+index"), _fixed("EASI"), True),
    (ci(r"psoriasis\s+area\s+and\s+severity\s+index"), _fixed("PASI"), True),
    (ci(r"severity\s+of\s+alopecia\s+tool"), _fixed("SALT"), True),
    (ci(r"investigator'?s?\s+global\s+assessment"), _fixed("IGA"), True),
    (re.compile(rf"ACR\s?(?P<t>20|50|70){_E}"), lambda m: f"ACR{m.group('t')}", False),
    (re.compile(rf"DAS28(?:-(?:CRP|ESR))?{_E}"), lambda m: m.group(0), False),
    (ci(r"(?:(?:complete|partial|no|lack\s+of|loss\s+of|stationary|transitory\s+partial"
        r"|transient\s+partial|clinical|sustained|overall|objective)\s+(?:clinical\s+)?"
        r"(?:responses?|remissions?)|remissions?|(?:primary|secondary)\s+(?:treatment\s+)?failure"
        r"|treatment\s+failure|loss\s+of\s+efficacy|no\s+(?:significant\s+|clinical\s+)?"
        r"improvement)\b"), _response, True),
]

# Statistics; all but the p-value run on the lower-cased text.
_PERCENT = re.compile(rf"(?P<v>{NUM})\s*%(?:\s*(?:-|–|—|to)\s*(?P<v2>{NUM})\s*%)?")
_FROM_TO = ci(
    rf"from\s+(?:a\s+(?:median|mean)\s+(?:of\s+)?)?(?P<a>{NUM})\s*(?P<ua>%|points?)?\s+to\s+"
    rf"(?P<b>{NUM})\s*(?P<ub>%|points?)?")
_P_VALUE = re.compile(
    r"[pP](?:[\s-]*values?)?\s*(?P<op><=|>=|[<>=≤≥])\s*(?P<v>\d*\.\d+|\d+(?:\.\d+)?)"
    r"(?:\s*[x×]\s*10\s*\^?\s*(?P<exp>[-−]?\d+))?")
_CI = ci(
    rf"95\s*%\s*(?:ci|confidence\s+intervals?)\s*[:,=]?\s*(?P<br>[\[(])?\s*(?P<lo>[-−]?{NUM})\s*"
    rf"(?:-|–|—|to|,|;)\s*(?P<hi>[-−]?{NUM})(?(br)\s*[\])])")
_TIMEPOINT = ci(
    r"(?:(?:at|by|after|through|until|to|from|up\s+to|as\s+early\s+as|on|in)\s+)?"
    r"(?P<u>week|wk|month|day|year)\s+(?P<n>\d+)\b"
    r"|(?:at|after|by|through|until|up\s+to|as\s+early\s+as|within)\s+(?P<n2>\d+)\s*"
    r"(?P<u2>weeks?|wks?|months?|days?|years?)\b")
_OF_PEOPLE = ci(
    r"\s*of\s+(?:the\s+|all\s+)?(?:[\w-]+\s+){0,2}?(?:patients|participants|subjects|cases"
    r"|children|adults|individuals|people|responders)\b")
_CUE = ci(r"achiev|respon|improv|reduc|remission|clear|success|efficac|resol|decreas")
_RESPECTIVELY = ci(r"\brespectively\b")
_STAT_WORD = ci(r"\b(median|mean|average)\b[^.;]{0,40}$")


# Gates (see units.scan): a keyword each match holds, and how far before it a match starts.
_MEASURE_GATES = {
    i: gate(keyword, reach) for i, (regex, _, _) in enumerate(_MEASURES)
    for key, keyword, reach in (
        ("NRS(?:[", "NRS", 10), ("peak", "pruritus", 6), ("dermatology", "index", 50),
        ("patient[", "measure", 30), ("eczema\\s+area", "index", 35),
        ("psoriasis", "index", 35), ("alopecia", "tool", 25), ("global", "assessment", 25),
        ("(?:(?:complete", r"respons|remission|failure|efficacy|improvement", 30),
    )
    if key in regex.pattern
}
# The word every match of an ungated measure contains (its abbreviation): a text without it
# is not searched (see units.scan). Checked against each pattern on import.
_MEASURE_NEEDLES = {
    i: (word,) for i, (regex, _, _) in enumerate(_MEASURES) if i not in _MEASURE_GATES
    for word in ("EASI", "PASI", "SALT", "IGA", "NRS", "DLQI", "POEM", "SCORAD", "ACR", "DAS28")
    # the word opens the pattern, after at most optional prefixes ("v?IGA", "(?:pp|PP)[\s-]?NRS")
    if re.match(rf"(?:\(\?:[^)]*\)|[A-Za-z]\?)*(?:\[\\s-\]\?)?{word}(?![A-Z])", regex.pattern)
}
assert len(_MEASURE_NEEDLES) + len(_MEASURE_GATES) == len(_MEASURES)
# Text (lower-cased text) where these find nothing holds no measure (units.any_keyword).
_ANY_MEASURE = {
    on_low: any_keyword([_MEASURE_GATES.get(i) or _MEASURE_NEEDLES[i]
                         for i, (_, _, low) in enumerate(_MEASURES) if low == on_low])
    for on_low in (False, True)
}
_PERCENT_GATE = gate("%", 40)
_P_GATE = gate("[<>=≤≥]", 12)
_TIME_GATE = gate("week|wk|month|day|year", 16)


def _free_start(text: str, i: int) -> bool:
    return i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_.")


@dataclass
class _Stat:
    start: int
    end: int
    data: dict[str, object] = field(default_factory=dict)
    used: bool = False


def _num(text: str) -> float:
    return parse_num(text.replace("−", "-").lstrip("-")) * (-1 if text[:1] in "-−" else 1)


def _percents(text: str) -> list[_Stat]:
    out = []
    for m in scan(_PERCENT, text, _free_start, _PERCENT_GATE):
        data: dict[str, object] = {"value": parse_num(m.group("v")), "unit": "%"}
        if m.group("v2"):
            data["value_max"] = parse_num(m.group("v2"))
        out.append(_Stat(m.start(), m.end(), data))
    return out


def _from_tos(text: str) -> list[_Stat]:
    out = []
    for m in scan(_FROM_TO, text, needles=("from",)):
        unit = (m.group("ub") or m.group("ua") or "").lower() or None
        unit = "points" if unit and unit.startswith("point") else unit
        out.append(_Stat(m.start(), m.end(), {
            "value": parse_num(m.group("b")), "unit": unit, "baseline": parse_num(m.group("a"))
        }))
    return out


def _p_values(text: str) -> list[_Stat]:
    out = []
    for m in scan(_P_VALUE, text, gate=_P_GATE):
        value = parse_num(m.group("v"))
        if m.group("exp"):
            value *= 10 ** int(m.group("exp").replace("−", "-"))
        if value > 1:
            continue  # not a probability ("P = 16" is a count)
        op = {"<=": "≤", ">=": "≥"}.get(m.group("op"), m.group("op"))
        out.append(_Stat(m.start(), m.end(), {"p_value": value, "p_op": op}))
    return out


def _cis(text: str) -> list[_Stat]:
    return [
        _Stat(m.start(), m.end(), {"ci": [_num(m.group("lo")), _num(m.group("hi"))]})
        for m in _CI.finditer(text)
    ]


def _timepoints(text: str) -> list[_Stat]:
    out = []
    for m in scan(_TIMEPOINT, text, gate=_TIME_GATE):
        unit = (m.group("u") or m.group("u2")).rstrip("s")
        unit = "week" if unit == "wk" else unit
        number = m.group("n") or m.group("n2")
        out.append(_Stat(m.start(), m.end(), {"timepoint": f"{unit} {number}"}))
    return out


def _measures(text: str, low: str) -> list[Hit]:
    if _ANY_MEASURE[False].search(text) is None and _ANY_MEASURE[True].search(low) is None:
        return []
    hits = [
        Hit(m.start(), m.end(), {"measure": name(m)})
        for i, (regex, name, on_low) in enumerate(_MEASURES)
        for m in scan(regex, low if on_low else text, _free_start, _MEASURE_GATES.get(i),
                      _MEASURE_NEEDLES.get(i))
    ]
    return non_overlapping(hits)


def _by_sentence(items: Sequence[_Stat | Hit], starts: list[int]) -> dict[int, list]:
    out: dict[int, list] = {}
    for item in items:
        out.setdefault(bisect_right(starts, item.start) - 1, []).append(item)
    return out


def _outside(stats: list[_Stat], blockers: list[_Stat]) -> list[_Stat]:
    """Drop stats that lie inside another statistic ("95%" of a CI)."""
    return [s for s in stats if not any(b.start <= s.start < b.end for b in blockers)]


def find_outcomes(text: str, sentences: Sequence[tuple[int, int]] = (),
                  low: str | None = None) -> list[Hit]:
    """OUTCOME hits in ``text``; ``sentences`` are (start, end) offsets, in order.

    ``low`` is ``lower_same_length(text)`` when the caller has it already.
    """
    low = lower_same_length(text) if low is None else low
    text = fold(text)  # "p<0·0001", "−1·2": the case-sensitive rules read ASCII numerals
    measures = _measures(text, low)
    cis = _cis(low)
    values = sorted(_outside(_percents(text), cis) + _from_tos(low), key=lambda s: s.start)
    # a percentage inside a "from X% to Y%" change belongs to the change
    changes = [v for v in values if "baseline" in v.data]
    values = [v for v in values if "baseline" in v.data or _outside([v], changes)]
    p_values, timepoints = _p_values(text), _timepoints(low)
    if not (measures or values or p_values or cis or timepoints):
        return []  # (``sentences`` may be computed on first use: leave it untouched)
    starts = [s for s, _ in sentences] or [0]
    ends = [e for _, e in sentences] or [len(text)]
    groups = [_by_sentence(g, starts) for g in (measures, values, p_values, cis, timepoints)]
    hits: list[Hit] = []
    for k in sorted(set().union(*groups)):
        sent = (starts[k], ends[k]) if k >= 0 else (0, len(text))
        m, v, p, c, t = (g.get(k, []) for g in groups)
        hits.extend(_attach(low, sent, m, v, p, c, t))
        hits.extend(_unclaimed(low, sent, v, p, c, t))
    return sorted(hits, key=lambda h: h.start)


def _attach(low: str, sent: tuple[int, int], measures: list[Hit], values: list[_Stat],
            p_values: list[_Stat], cis: list[_Stat], timepoints: list[_Stat]) -> list[Hit]:
    """Each measure of one sentence with the statistics it claims (all lists in order)."""
    if not measures:
        return []
    chosen: dict[int, _Stat] = {}
    if len(measures) >= 2 and len(values) == len(measures) and _RESPECTIVELY.search(
            low, sent[0], sent[1]):
        chosen = dict(enumerate(values))
    else:
        vstarts = [v.start for v in values]
        for i, m in enumerate(measures):
            nxt = measures[i + 1].start if i + 1 < len(measures) else sent[1]
            prv = measures[i - 1].end if i > 0 else sent[0]
            pick = None
            k = bisect_left(vstarts, m.end)
            while k < len(values) and values[k].start < nxt:
                if not values[k].used:
                    pick = values[k]
                    break
                k += 1
            k = bisect_left(vstarts, m.start) - 1
            while pick is None and k >= 0 and values[k].start >= prv:
                if not values[k].used and values[k].end <= m.start:
                    pick = values[k]
                k -= 1
            if pick is not None:
                pick.used = True
                chosen[i] = pick
    for v in chosen.values():
        v.used = True
    hits = []
    for i, m in enumerate(measures):
        value: dict[str, object] = {"measure": m.value["measure"], "value": None, "unit": None,
                                    "timepoint": None}
        stat = chosen.get(i)
        if stat is not None:
            value.update(stat.data)
            value["value_start"], value["value_end"] = stat.start, stat.end
        for group in (p_values, cis):
            near = _nearest_after(m, group)
            if near is not None:
                near.used = True
                value.update(near.data)
        tp = _nearest(m.start, m.end, timepoints)
        if tp is not None:
            tp.used = True
            value["timepoint"] = tp.data["timepoint"]
        word = _STAT_WORD.search(low, max(sent[0], m.start - 60), m.start)
        if word:
            value["stat"] = word.group(1)
        hits.append(Hit(m.start, m.end, value))
    return hits


def _nearest_after(m: Hit, stats: list[_Stat]) -> _Stat | None:
    """The first statistic after the measure, else the last one before it."""
    k = bisect_left([s.start for s in stats], m.end)
    if k < len(stats):
        return stats[k]
    before = [s for s in stats[:k] if s.end <= m.start]
    return before[-1] if before else None


def _nearest(start: int, end: int, stats: list[_Stat]) -> _Stat | None:
    """The statistic closest to [start, end) (stats in text order)."""
    if not stats:
        return None
    k = bisect_left([s.start for s in stats], start)
    around = stats[max(0, k - 1):k + 1]
    return min(around, key=lambda t: max(t.start - end, start - t.end, 0))


def _unclaimed(low: str, sent: tuple[int, int], values: list[_Stat], p_values: list[_Stat],
               cis: list[_Stat], timepoints: list[_Stat]) -> list[Hit]:
    """Statistics no measure claimed that are outcomes on their own."""
    hits = []
    cue = _CUE.search(low, sent[0], sent[1]) is not None
    for v in values:
        if v.used or "baseline" in v.data or not cue or not _OF_PEOPLE.match(low, v.end):
            continue
        hits.append(Hit(v.start, v.end, _standalone(v, timepoints)))
    for s in p_values + cis:
        if not s.used:
            hits.append(Hit(s.start, s.end, _standalone(s, timepoints)))
    return hits


def _standalone(stat: _Stat, timepoints: list[_Stat]) -> dict[str, object]:
    value: dict[str, object] = {"measure": None, "value": None, "unit": None, "timepoint": None}
    value.update(stat.data)
    tp = _nearest(stat.start, stat.end, timepoints)
    if tp is not None:
        value["timepoint"] = tp.data["timepoint"]
    return value
