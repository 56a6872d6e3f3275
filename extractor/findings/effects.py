"""p-values, effect estimates and significance, read from the text of a results sentence.

Everything here is a pure function of a string, with offsets into that same string: the
rules match ``numbers.fold(text)``, which rewrites journal numerals ("0·6", "−2") one
character for one, so a match's offsets slice the caller's text as it was printed.

- :func:`find_p_values`: "p < 0.001", "P=.03", "p‹0·05", "p-value of 0.2", "P = 2 × 10−5",
  and the words that say a result is not significant ("NS", "n.s.", "not significant").
- :func:`find_effects`: a named effect estimate with its interval: "RR 0.75; 95% CI
  0.60-0.93", "odds ratio, 1.52 [95% CI, 1.1 to 2.1]", "HR = 0.8 (0.7–0.9)", "mean
  difference −2.3 (−4.1, −0.5)", "relative risk reduction of 25%", "reduced by 30%".
- :func:`crosses_null`: whether an estimate's interval holds its null (1 for ratios, 0 for
  differences).
- :func:`significance`: what a sentence says about significance, from its p-values,
  intervals and words ("did not differ significantly", "significantly higher").

A p-value is significant below the alpha the text states ("P < 0.01 was considered
significant", "significance level of 0.01"), else below 0.05.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from extractor.evidence import Effect, EffectMeasure
from extractor.numbers import NUMBER, RANGE_JOINER, fold, parse_number

ALPHA = 0.05  # the significance level when the text states none

# -- p-values ----------------------------------------------------------------------------------
# "‹" (a single guillemet) stands for "<" in some journals' typesetting; "=<" is a typo of "<=".
Relation = Literal["=", "<", "<=", ">", ">="]
_RELATIONS: dict[str, Relation] = {
    "<": "<", "\u2039": "<", "<=": "<=", "=<": "<=", "\u2264": "<=", "\u2a7d": "<=",
    "\u2266": "<=", ">": ">", "\u203a": ">", ">=": ">=", "=>": ">=", "\u2265": ">=",
    "\u2a7e": ">=", "\u2267": ">=", "=": "=",
}
_OP = r"(?:<\s*=|=\s*<|>\s*=|=\s*>|[<>=\u2039\u203a\u2264\u2265\u2a7d\u2a7e\u2266\u2267])"
# A p-value's number, possibly in scientific notation ("2.1 × 10−5", "2.1e-5", "10^-4").
_P_NUMBER = (rf"(?P<v>{NUMBER})(?:\s*[x×*]\s*10\s*\^?\s*(?P<exp>[-–]?\s*\d+)"
             rf"|[eE](?P<eexp>[-–]?\d+))?")
# "p", "P", "p-value(s)", "P for trend", "Pinteraction", "p (log-rank)".
_P_NAME = (r"(?<![A-Za-z0-9_])[pP](?:[\s-]*values?)?"
           r"(?:[\s_-]*(?:for\s+)?(?:trend|interaction|heterogeneity|het|int)\b)?"
           r"(?:\s*\([^()\d]{1,25}\))?")
_P_VALUE = re.compile(
    rf"{_P_NAME}(?:\s*(?P<op>{_OP})|\s+(?:was|were|is|of)(?:\s*(?P<op2>{_OP}))?)\s*"
    rf"(?:{_P_NUMBER}|(?P<ns>(?i:n\.?s\.?)(?![A-Za-z])))")
# Words that say "not significant". A bare "NS" is also an abbreviation (nephrotic syndrome,
# normal saline): it counts only in brackets or a list "(NS)", "; NS)", or as a whole cell.
_NOT_SIGNIFICANT = re.compile(
    r"(?<![A-Za-z])(?:n\.s\.|N\.S\.|(?i:not\s+(?:statistically\s+)?significant(?!ly)"
    r"|non-?significant|insignificant))(?![A-Za-z])"
    r"|(?<=[(\[,;])\s*(?:NS|ns)(?=\s*(?:[)\],;.]|$))|^\s*(?:NS|ns)\s*$")
# The alpha a methods section states: "P < 0.01 was considered (statistically) significant",
# "significance level of 0.01", "alpha = 0.025", "significance was set at p < 0.01".
_ALPHA = re.compile(
    rf"(?i:{_P_NAME}\s*(?:<|<=|\u2264|\u2039)\s*(?P<a>{NUMBER})\s+(?:was|were|is)\s+"
    rf"(?:considered|regarded|taken|defined|accepted|deemed|set)\s+(?:as\s+|to\s+be\s+)?"
    rf"(?:(?:statistically\s+)?significant|(?:indicating\s+|to\s+indicate\s+)?significance)"
    rf"|(?:(?:statistical\s+)?significance(?:\s+(?:level|threshold))?|level\s+of\s+"
    rf"(?:statistical\s+)?significance|alpha|\u03b1)(?:\s+(?:was|is))?(?:\s+(?:set|fixed|"
    rf"defined|considered|accepted))?(?:\s+(?:at|as|to|of))?\s*[:=]?\s*"
    rf"(?:[pP][\s-]*(?:values?)?\s*(?:<|<=|\u2264|=|\u2039)\s*)?(?P<b>{NUMBER}))")
_MAX_ALPHA = 0.2  # a stated "significance" above this is not a significance level


@dataclass(frozen=True)
class PValue:
    """A p-value as stated: ``text[start:end]``, its number (None for "NS"), how it was
    stated (``relation``: "=", "<", "<=", ">", ">=") and whether it is significant
    (None when the statement does not say: "p < 0.1" at alpha 0.05)."""

    start: int
    end: int
    value: float | None
    relation: Relation
    significant: bool | None


def find_alpha(text: str) -> float | None:
    """The significance level ``text`` states ("P < 0.01 was considered significant" ->
    0.01), or None."""
    levels = _levels(fold(text))
    return levels[0][2] if levels else None


def _levels(folded: str) -> list[tuple[int, int, float]]:
    """(start, end, alpha) of each statement of the significance level in folded text."""
    found = []
    for m in _ALPHA.finditer(folded):
        value = parse_number(m.group("a") or m.group("b"))
        if value is not None and 0 < value <= _MAX_ALPHA:
            found.append((m.start(), m.end(), value))
    return found


def find_p_values(text: str, alpha: float | None = None) -> list[PValue]:
    """Every p-value stated in ``text``, in order, with offsets into ``text``.

    Significance is judged at ``alpha``, else at the level the text states, else 0.05. The
    statement of the level itself ("P < 0.05 was considered significant") is no p-value.
    """
    folded = fold(text)
    levels = _levels(folded)
    if alpha is None:
        alpha = levels[0][2] if levels else ALPHA
    found: list[PValue] = []
    for m in _P_VALUE.finditer(folded):
        if any(a <= m.start() < b for a, b, _ in levels):
            continue
        p = _p_value(m, alpha)
        if p is not None:
            found.append(p)
    taken = [(p.start, p.end) for p in found]
    for m in _NOT_SIGNIFICANT.finditer(folded):
        start = m.start() + len(m.group()) - len(m.group().lstrip())
        end = start + len(m.group().strip())
        if not any(a <= start < b for a, b in taken):
            found.append(PValue(start, end, None, ">=", False))
    return sorted(found, key=lambda p: p.start)


def _p_value(m: re.Match[str], alpha: float) -> PValue | None:
    relation = _RELATIONS[re.sub(r"\s", "", m.group("op") or m.group("op2") or "=")]
    if m.group("ns"):
        # "P = NS": not significant, at a level the text leaves unsaid
        return PValue(m.start(), m.end(), None, ">=", False)
    value = parse_number(m.group("v"))
    exp = m.group("exp") or m.group("eexp")
    if value is not None and exp:
        value *= 10.0 ** int(exp.replace("–", "-").replace(" ", ""))
    if value is None or value > 1:
        return None  # not a probability ("P = 16" names a patient)
    return PValue(m.start(), m.end(), value, relation, _significant(value, relation, alpha))


def _significant(value: float, relation: Relation, alpha: float) -> bool | None:
    """Whether "p <relation> value" is below ``alpha``; None when it does not say."""
    if relation in ("<", "<="):
        return True if value <= alpha else None
    if relation in (">", ">="):
        return False if value >= alpha else None
    return value < alpha


# -- effect estimates --------------------------------------------------------------------------
_SIGNED = rf"-?\s?{NUMBER}"
# Named measures. Abbreviations are matched in their own case ("OR", never the word "or");
# long forms in any case. Order matters where one name is inside another (RRR before RR).
_MEASURE_NAMES: list[tuple[EffectMeasure, str]] = [
    ("SMD", r"SMD|(?i:standardi[sz]ed\s+mean\s+differences?|cohen'?s\s+d|hedges'?\s+g)"),
    ("MD", r"W?MD|(?i:(?:weighted\s+|adjusted\s+|least[-\s]squares?\s+|ls\s*)?mean\s+"
           r"differences?|differences?\s+in\s+means)"),
    ("RRR", r"RRR|(?i:relative\s+risk\s+reductions?)"),
    ("ARR", r"ARR|(?i:absolute\s+risk\s+reductions?)"),
    ("IRR", r"IRR|(?i:incidence\s+rate\s+ratios?|rate\s+ratios?)"),
    ("RD", r"RD|(?i:(?:absolute\s+)?risk\s+differences?)"),
    ("RR", r"a?RR|(?i:(?:adjusted\s+)?(?:relative\s+risks?|risk\s+ratios?))"),
    ("OR", r"a?OR|(?i:(?:adjusted\s+)?odds\s+ratios?)"),
    ("HR", r"a?HR|(?i:(?:adjusted\s+)?hazard\s+ratios?)"),
    ("NNT", r"NNTB?|(?i:numbers?\s+needed\s+to\s+treat)"),
    ("percent_change", r"(?i:(?:percent(?:age)?|%)\s+changes?(?:\s+from\s+baseline)?)"),
    ("difference", r"(?i:(?:(?:adjusted|absolute|estimated|between[-\s]groups?|treatment|"
                   r"group)\s+)*differences?)"),
]
_NAME = "|".join(f"(?P<m{i}>{pattern})" for i, (_, pattern) in enumerate(_MEASURE_NAMES))
_CI_LABEL = (r"(?:(?P<level>\d{2}(?:\.\d+)?)\s*%\s*)?(?:CI|C\.I\.|CrI|Cl|"
             r"(?i:confidence\s+intervals?|credible\s+intervals?))(?:\s*\[\s*CI\s*\])?")
_ENDS = rf"(?P<lo>{_SIGNED})\s*%?\s*(?:{RANGE_JOINER}|,|;)\s*(?P<hi>{_SIGNED})\s*%?"
_BARE_ENDS = _ENDS.replace("<lo>", "<blo>").replace("<hi>", "<bhi>")
# After the value: a unit, then the interval, labelled ("; 95% CI 0.60-0.93", "[95% CI,
# 1.1 to 2.1]") or bare in brackets ("(0.7–0.9)", "(−4.1, −0.5)").
_UNIT = r"(?:\s*(?:percentage\s+points?|points?|mm\s?Hg|[a-zµμ]{1,6}(?:/[a-zA-Z0-9.]{1,6})?))?"
# A closing bracket ends the match only where an opening one began it.
_INTERVAL = (rf"(?:{_UNIT}\s*[,;]?\s*(?P<ob>[(\[]\s*)?{_CI_LABEL}\s*[:,=]?\s*"
             rf"(?:(?:of|was|from)\s+)?(?P<ib>[(\[]\s*)?{_ENDS}"
             rf"(?(ib)(?:\s*[)\]])?|(?(ob)(?:\s*[)\]])?))"
             rf"|{_UNIT}\s*[(\[]\s*{_BARE_ENDS}"
             rf"\s*(?:[)\]]|(?=[;,])))")
_LINK = r"(?:\s*[:=,]\s*|\s+(?:was|were|is|of)\s+|\s*\(\s*|\s+)"
# Words between a name and its value: "hazard ratio for death was 0.80".
_FILLER = (r"(?:\s+(?:in|for|of|between|on)\s+[^\d;:.()=<>]{1,60}?"
           r"(?:\s*[:=,]\s*|\s+(?:was|were|is|of)\s+))")
_NAMED = re.compile(
    rf"(?<![A-Za-z])(?:{_NAME})(?![A-Za-z])(?:\s*\(\s*{_CI_LABEL.replace('level', 'lv0')}\s*\))?"
    rf"(?:{_FILLER}|{_LINK})(?:of\s+)?(?P<v>{_SIGNED})(?![\d/]|,\d)(?P<pct>\s*%)?"
    rf"(?:{_INTERVAL})?")
# The name after the value: "a 25% relative risk reduction", "a 30% reduction",
# "reduced by 30%".
_TRAILING = re.compile(
    rf"(?i:(?<![\w.])(?P<v>{NUMBER})\s*%\s+(?:(?P<rrr>relative\s+(?:risk\s+)?reduction)"
    rf"|(?P<arr>absolute\s+risk\s+reduction)|(?P<dir>reduction|decrease|increase|rise|"
    rf"decline|drop|fall)))"
    rf"|(?i:(?P<verb>reduced|decreased|lowered|increased|raised|improved)\s+by\s+"
    rf"(?P<v2>{NUMBER})\s*%)")
RATIOS = frozenset({"RR", "OR", "HR", "IRR"})
_DOWN = frozenset({"reduction", "decrease", "decline", "drop", "fall", "reduced", "decreased",
                   "lowered"})
# "HR 72" is a heart rate and "RR 18" a respiratory rate; a ratio estimate that large
# counts only with a labelled interval.
_RATE_ABBREVIATIONS = frozenset({"HR", "RR"})
_LARGE_RATIO = 10.0


@dataclass(frozen=True)
class EffectMatch:
    """An effect estimate and where it is: ``text[start:end]``."""

    start: int
    end: int
    effect: Effect


def find_effects(text: str) -> list[EffectMatch]:
    """The named effect estimates in ``text``, in order, with offsets into ``text``.

    A bare bracketed interval ("HR 0.8 (0.7–0.9)") counts only when it holds the value;
    its level stays blank (the text does not state it).
    """
    folded = fold(text)
    found = [e for m in _NAMED.finditer(folded) if (e := _named(m, text)) is not None]
    taken = [(e.start, e.end) for e in found]
    for m in _TRAILING.finditer(folded):
        if not any(a < m.end() and m.start() < b for a, b in taken):
            found.append(_trailing(m, text))
    return sorted(found, key=lambda e: e.start)


def _named(m: re.Match[str], text: str) -> EffectMatch | None:
    i = next(i for i in range(len(_MEASURE_NAMES)) if m.group(f"m{i}") is not None)
    measure, name = _MEASURE_NAMES[i][0], m.group(f"m{i}")
    value = _signed(m.group("v"))
    end = m.end("pct") if m.group("pct") else m.end("v")
    low = high = level = None
    if m.group("lo") is not None:
        low, high = _signed(m.group("lo")), _signed(m.group("hi"))
        level_text = m.group("level") or m.group("lv0")
        level = float(level_text) if level_text else None
        end = m.end()
    elif m.group("blo") is not None:
        low, high = _signed(m.group("blo")), _signed(m.group("bhi"))
        level = float(m.group("lv0")) if m.group("lv0") else None
        if not low <= value <= high:
            low = high = None  # a bracket that does not hold the value is something else
        else:
            end = m.end()
    if low is not None and high is not None and low > high:
        return None
    if measure in RATIOS and value <= 0:
        return None
    if name.lstrip("a") in _RATE_ABBREVIATIONS and value > _LARGE_RATIO and m.group("lo") is None:
        return None
    return EffectMatch(m.start(), end, Effect(
        measure=measure, value=value, ci_low=low, ci_high=high, ci_level=level,
        text=text[m.start():end]))


def _trailing(m: re.Match[str], text: str) -> EffectMatch:
    value = _signed(m.group("v") or m.group("v2"))
    measure: EffectMeasure = "percent_change"
    if m.group("rrr"):
        measure = "RRR"
    elif m.group("arr"):
        measure = "ARR"
    elif (m.group("dir") or m.group("verb")).lower() in _DOWN:
        value = -value
    start = m.start() if m.group("v") else m.start("verb")
    return EffectMatch(start, m.end(), Effect(measure=measure, value=value,
                                              text=text[start:m.end()]))


def _signed(text: str) -> float:
    """The number of a signed match of ``_SIGNED`` ("-2.3", "- 0.5")."""
    value = parse_number(text.replace(" ", ""))
    assert value is not None, text  # the regex only matches numbers
    return value


# -- significance ------------------------------------------------------------------------------
_NULL: dict[str, float] = {"RR": 1.0, "OR": 1.0, "HR": 1.0, "IRR": 1.0, "MD": 0.0, "SMD": 0.0,
                           "RD": 0.0, "ARR": 0.0, "RRR": 0.0, "percent_change": 0.0,
                           "difference": 0.0}


def crosses_null(effect: Effect) -> bool | None:
    """Whether the interval of ``effect`` holds its null value (1 for ratios, 0 for
    differences), i.e. the estimate is not significant at the interval's level. None without
    an interval or for a measure with no null on its own scale (NNT, other)."""
    null = _NULL.get(effect.measure)
    if null is None or effect.ci_low is None or effect.ci_high is None:
        return None
    return effect.ci_low <= null <= effect.ci_high


_SIGNIFICANT_WORD = re.compile(r"(?i:\bsignifican(?:t|tly|ce)\b)")
# Before "significant": words that deny it ("no significant", "did not differ
# significantly", "failed to reach significance"), within the same clause.
_DENIAL = re.compile(
    r"(?i:\b(?:no|not|non|nor|neither|without|never|failed\s+to\s+(?:reach|achieve|show)|"
    r"did\s+not\s+(?:reach|achieve|show)|lack\s+of|absence\s+of)\b|n't\b|\bnon-)"
    r"[^.;,:]{0,40}$")
_DENIAL_AFTER = re.compile(r"(?i:\s*(?:was|were|is)\s+not\b)")
# "significant" that is not about statistics: "clinically significant", or the methods'
# statement of the level.
_NOT_STATISTICAL = re.compile(r"(?i:\bclinically\s+$|\blevel\s+of\s+$)")


def significance(text: str, alpha: float | None = None, words: bool = True) -> bool | None:
    """What ``text`` (a sentence or clause) says about the significance of its result:
    True (significant), False (not significant) or None (unsaid, or said both ways).

    Votes come from the p-values (judged at ``alpha``, else the level ``text`` states, else
    0.05), the intervals of the effect estimates and, with ``words``, the words
    ("significantly higher", "no significant difference", "did not differ significantly");
    the answer is the one they all give. ``words=False`` asks what the numbers alone say.
    """
    folded = fold(text)
    votes = {p.significant for p in find_p_values(folded, alpha)
             if p.significant is not None and (words or p.value is not None)}
    votes |= {not crosses for e in find_effects(folded)
              if (crosses := crosses_null(e.effect)) is not None}
    if words:
        votes |= _word_votes(folded)
    return votes.pop() if len(votes) == 1 else None


def _word_votes(folded: str) -> set[bool]:
    """What each "significant(ly)" of the text says: True, or False where it is denied."""
    votes: set[bool] = set()
    levels = _levels(folded)
    for m in _SIGNIFICANT_WORD.finditer(folded):
        if any(a <= m.start() < b for a, b, _ in levels):
            continue
        before = folded[max(0, m.start() - 60):m.start()]
        if _NOT_STATISTICAL.search(before):
            continue
        denied = _DENIAL.search(before) or _DENIAL_AFTER.match(folded, m.end())
        votes.add(not denied)
    return votes
