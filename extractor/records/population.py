"""Study population counts by kind: randomised, analysed, enrolled, screened, cases.

Each count comes from a CONSORT-style statement of the study's own text ("120 patients were
randomly assigned", "a total of 48 participants were enrolled", "we report two cases"): a
number followed, within three words, by a people noun and a verb of that kind, or the verb
first. A number not tied to a people noun (a compound code, a count of tests, a year) is never
a count. The caller passes text with the background sections blanked out, so numbers from the
introduction or discussion (other studies) cannot be taken.

``n`` is the best declared count: randomised, else enrolled, else analysed, else cases;
screened alone is never ``n`` (it counts people who did not take part).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMBER_WORDS = {
    w: i
    for i, w in enumerate((
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
        "eighteen", "nineteen", "twenty",
    ))
}
NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                     "eighty": 80, "ninety": 90, "hundred": 100})
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
# digits with thousands separators ("1,204", "21 934"), digits, "twenty-three", "seven"
NUM = (r"(\d{1,3}(?:[,\u2009\u202f ]\d{3})+(?![\d.])|\d+|"
       rf"(?:{_TENS})[-\s](?:{_UNITS})\b|"
       + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")")
PEOPLE = (r"(?:patients?|participants?|subjects?|individuals|cases|children|adults|adolescents"
          r"|people|persons|infants|neonates|newborns|men|women|volunteers|eyes|pregnancies)")
_WORDS = r"(?:[a-z-]+\s+){0,3}?"
_WERE = r"(?:were|was|had\s+been|have\s+been|are)\s+(?:subsequently\s+|then\s+|finally\s+)?"
_FLAGS = re.IGNORECASE
# Words before a number that make it a threshold or a score, not a head count
# ("a total score > 40 were randomized", "scores of 12").
_NOT_A_COUNT = re.compile(r"(?:[<>≤≥=]|\b(?:score|scores|than|over|under|above|below|least|"
                          r"most|aged?|level|value))\s*$", re.IGNORECASE)
# "7 patients were assigned to group A, 8 to group B": the count of one arm, not the study
_NOT_ONE_ARM = r"(?![^.;]{0,60}?,\s*(?:and\s+)?(?:\d+|[a-z]+)\s+(?:to|in)\b)"

# kind -> patterns whose group 1 is the number
_PATTERNS: dict[str, list[re.Pattern[str]]] = {
    "randomised": [
        re.compile(rf"\b{NUM}\s+{_WORDS}{PEOPLE}\s+{_WERE}(?:randomi[sz]ed|(?:randomly\s+)?"
                   rf"(?:assigned|allocated)){_NOT_ONE_ARM}", _FLAGS),
        re.compile(rf"\b{NUM}\s+(?:were|was)\s+(?:randomly\s+)?(?:allocated|assigned)\b"
                   rf"{_NOT_ONE_ARM}", _FLAGS),
        re.compile(rf"\brandomi[sz]ed\s+(?:a\s+total\s+of\s+)?{NUM}\s+{_WORDS}{PEOPLE}\b",
                   _FLAGS),
        re.compile(rf"\b{NUM}\s+(?:were|was)\s+randomi[sz]ed", _FLAGS),
        re.compile(rf"\b(?:of\s+(?:the|all)\s+)?{NUM}\s+randomi[sz]ed\s+{_WORDS}{PEOPLE}\b",
                   _FLAGS),
    ],
    "analysed": [
        re.compile(rf"\b{NUM}\s+{_WORDS}{PEOPLE}\s+{_WERE}(?:included\s+in\s+the\s+(?:final\s+|"
                   r"primary\s+|efficacy\s+)?analys[ie]s|analy[sz]ed|evaluable|evaluated)",
                   _FLAGS),
        re.compile(rf"\b(?:analy[sz]ed|analysis\s+of|data\s+(?:from|of|on))\s+{NUM}\s+"
                   rf"{_WORDS}{PEOPLE}\b", _FLAGS),
    ],
    "enrolled": [
        re.compile(rf"\b(?:a\s+)?total\s+of\s+{NUM}\s+{_WORDS}{PEOPLE}\b", _FLAGS),
        re.compile(rf"\b(?:series|cohort|sample|study|group)\s+of\s+{NUM}\s+{_WORDS}{PEOPLE}\b",
                   _FLAGS),
        re.compile(rf"\b(?:enrolled|enrolling|included|including|recruited|involved|involving|"
                   rf"comprised|comprising|studied)\s+(?:a\s+total\s+of\s+)?{NUM}\s+{_WORDS}"
                   rf"{PEOPLE}\b", _FLAGS),
        re.compile(rf"\b{NUM}\s+{_WORDS}{PEOPLE}\s+{_WERE}(?:enrolled|included|recruited|"
                   r"studied|identified|eligible)\b", _FLAGS),
    ],
    "screened": [
        re.compile(rf"\b{NUM}\s+{_WORDS}{PEOPLE}\s+{_WERE}(?:screened|assessed\s+for\s+"
                   r"eligibility)", _FLAGS),
        re.compile(rf"\bscreened\s+{NUM}\s+{_WORDS}{PEOPLE}\b", _FLAGS),
    ],
    "cases": [
        re.compile(rf"\b{NUM}\s+(?:[a-z-]+\s+){{0,2}}?cases\s+(?:of|with|in)\b", _FLAGS),
        re.compile(rf"\breport\s+of\s+{NUM}\s+(?:[a-z-]+\s+){{0,2}}?(?:cases|patients)\b",
                   _FLAGS),
        re.compile(rf"\b(?:report|reports|present|presents|describe|describes|reported|"
                   rf"presented|described)\s+(?:here\s+)?(?:the\s+)?{NUM}\s+(?:[a-z-]+\s+){{0,3}}?"
                   r"(?:cases|patients|siblings)\b", _FLAGS),
        re.compile(r"\b(?:report|reports|present|presents|describe|describes|reported|"
                   r"presented|described)\s+(?:here\s+)?(a|an)\s+(?:[\w-]+\s+){0,6}?"
                   r"(?:case|patient|man|woman|boy|girl|child|infant|neonate|male|female)\b",
                   _FLAGS),
    ],
}
KINDS = tuple(_PATTERNS)
# The best declared count, in order of preference (never screened): the analysed set is a
# subset of the enrolled one, so it is n only when nothing else is declared.
N_PREFERENCE = ("randomised", "enrolled", "analysed", "cases")
_MAX_COUNT = 10_000_000


@dataclass(frozen=True)
class Count:
    """One declared count: its value and the character range of the phrase."""

    value: int
    start: int
    end: int


def to_int(token: str) -> int:
    """A count written in digits ("1,204", "21 934") or words ("two", "twenty-three"; "a"
    and "an" are one)."""
    token = token.lower()
    if token in ("a", "an"):
        return 1
    digits = re.sub(r"[,\u2009\u202f ]", "", token)
    if digits.isdigit():
        return int(digits)
    return sum(NUMBER_WORDS[word] for word in re.split(r"[-\s]+", token))


def find_counts(text: str) -> dict[str, Count]:
    """The first count of each kind in ``text`` (module docstring)."""
    found: dict[str, Count] = {}
    for kind, patterns in _PATTERNS.items():
        best: Count | None = None
        for pattern in patterns:
            for m in pattern.finditer(text):
                value = to_int(m.group(1))
                if not 0 < value < _MAX_COUNT or _NOT_A_COUNT.search(text, 0, m.start(1)):
                    continue
                if best is None or m.start() < best.start:
                    best = Count(value, m.start(), m.end())
                break
        if best is not None:
            found[kind] = best
    return found


def best_n(counts: dict[str, Count]) -> tuple[str, Count] | None:
    """The kind and count that ``n`` takes (randomised > analysed > enrolled > cases)."""
    for kind in N_PREFERENCE:
        if kind in counts:
            return kind, counts[kind]
    return None
