"""ROUTE rules, parsed to ``{route}`` (canonical, lower case).

Full words are matched in any case ("oral", "Orally", "subcutaneously"); abbreviations only
as written in clinical text ("SC", "SQ", "IV", "IM", "PO" upper case; "s.c.", "i.v.",
"i.m.", "p.o." dotted). Anatomical uses are skipped: "oral" before herpes, infection,
ulcers, mucosa, intolerance..., and a Roman-numeral "IV" after grade, stage, type, phase...

Delivery nouns are routes too, as PHEE annotates them: "infusion", "injection",
"ingestion", "instillation", "enema" alone, and with the route word before them as one
span ("intravitreal injection", route intravitreal); not in an event's name ("infusion
reaction", "injection site").
"""

from __future__ import annotations

import re

from extractor.nlp.units import Hit, ci, gate, lower_same_length, non_overlapping, scan

_CANONICAL = {
    "oral": "oral", "orally": "oral", "per os": "oral", "by mouth": "oral", "p.o.": "oral",
    "po": "oral",
    "subcutaneous": "subcutaneous", "subcutaneously": "subcutaneous", "subcut": "subcutaneous",
    "sub-cutaneous": "subcutaneous", "s.c.": "subcutaneous", "sc": "subcutaneous",
    "sq": "subcutaneous",
    "intravenous": "intravenous", "intravenously": "intravenous", "i.v.": "intravenous",
    "iv": "intravenous",
    "intramuscular": "intramuscular", "intramuscularly": "intramuscular",
    "i.m.": "intramuscular", "im": "intramuscular",
    "topical": "topical", "topically": "topical",
    "intralesional": "intralesional", "intralesionally": "intralesional",
    "inhaled": "inhaled", "inhalation": "inhaled", "inhalational": "inhaled",
    "intravitreal": "intravitreal", "intravitreally": "intravitreal",
    "intranasal": "intranasal", "intranasally": "intranasal",
    "rectally": "rectal", "per rectum": "rectal",
    "transdermal": "transdermal", "transdermally": "transdermal",
    "sublingual": "sublingual", "sublingually": "sublingual",
    "intra-articular": "intra-articular", "intraarticular": "intra-articular",
    "intra-articularly": "intra-articular",
    "intradermal": "intradermal", "intradermally": "intradermal",
    "intrathecal": "intrathecal", "intrathecally": "intrathecal",
    "ophthalmic": "ophthalmic",
    "infusion": "infusion", "injection": "injection", "ingestion": "oral",
    "instillation": "instillation", "enema": "rectal",
}
# Full words run on lower-cased text (units.lower_same_length), abbreviations on the text.
_WORDS = ci(
    r"(?P<r>oral(?:ly)?|per\s+os|by\s+mouth|sub-?cutaneous(?:ly)?|subcut"
    r"|intravenous(?:ly)?|intramuscular(?:ly)?|topical(?:ly)?|intralesional(?:ly)?"
    r"|inhal(?:ed|ation|ational)|intravitreal(?:ly)?|intranasal(?:ly)?|rectally|per\s+rectum"
    r"|transdermal(?:ly)?|sublingual(?:ly)?|intra-?articular(?:ly)?|intradermal(?:ly)?"
    r"|intrathecal(?:ly)?|ophthalmic)(?![\w-])"
)
_WORD_GATE = gate(
    r"oral|os\b|mouth|cutaneous|subcut|intra|topical|inhal|rect|transdermal|sublingual"
    r"|ophthalmic", 12)
_DELIVERY = ci(
    r"(?P<r>infusion|injection|ingestion|instillation|enema)s?(?![\w-])"
    r"(?![\s-]+(?:reactions?|site|sites|related|pumps?|port|fluids?|rates?)\b)")
_DELIVERY_GATE = gate(r"infusion|injection|ingestion|instillation|enema", 0)
# a route word, then the delivery noun: one span ("intravenous infusion")
_ROUTE_THEN_DELIVERY = ci(r"[\s-]+(?:bolus\s+)?(?:infusion|injection|instillation)s?(?![\w-])"
                          r"(?![\s-]+(?:reactions?|site|sites|related)\b)")
_ABBREVIATIONS = re.compile(r"(?P<r>[ispIP]\.[vcmoVCMO]\.|SC|SQ|IV|IM|PO)(?![\w-])")
_NOT_ROUTE_AFTER_ORAL = ci(
    r"[\s-]+(?:herpes|infections?|ulcers?|ulcerations?|mucositis|mucosa|mucosal|cavity"
    r"|lesions?|candidiasis|thrush|intolerance|hygiene|health|presentation|communication"
    r"|exam(?:ination)?|surgery|surgeon|lichen|leukoplakia|pain|disease|manifestations?"
    r"|involvement|cancer|sores?|aphthae|aphthous|microbiome|flora|glucose|contraceptives?)\b"
)
_ROMAN_CONTEXT = ci(
    r"(?:grade|stage|type|phase|class|level|part|table|figure|fig\.|group|category|section"
    r"|appendix|NYHA|CTCAE|nerve|factor|line|chapter|cohort|arm|and|or|III|II)\s*$"
)
_AUTHOR_LIST = re.compile(r"\s*,\s*[A-Z][a-z]+\s+[A-Z]{1,3}\b")


def _free_start(text: str, i: int) -> bool:
    return i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_-.")


def find_routes(text: str, low: str | None = None) -> list[Hit]:
    """ROUTE hits in ``text`` (``low``: its ``lower_same_length``, if computed)."""
    low = lower_same_length(text) if low is None else low
    hits: list[Hit] = []
    for m in scan(_WORDS, low, _free_start, _WORD_GATE):
        word = re.sub(r"\s+", " ", m.group("r"))
        if word == "oral" and _NOT_ROUTE_AFTER_ORAL.match(low, m.end()):
            continue
        noun = _ROUTE_THEN_DELIVERY.match(low, m.end())
        hits.append(Hit(m.start(), noun.end() if noun else m.end(),
                        {"route": _CANONICAL[word]}))
    for m in scan(_DELIVERY, low, _free_start, _DELIVERY_GATE):
        hits.append(Hit(m.start(), m.end(), {"route": _CANONICAL[m.group("r")]}))
    for m in scan(_ABBREVIATIONS, text, _free_start):
        word = m.group("r").lower()
        if word == "iv" and _ROMAN_CONTEXT.search(low, max(0, m.start() - 12), m.start()):
            continue
        if word in ("im", "sc", "po", "sq", "iv") and _AUTHOR_LIST.match(text, m.end()):
            continue  # initials in a reference list: "Smith IM, Jones AB"
        route = _CANONICAL.get(word)
        if route is not None:
            noun = _ROUTE_THEN_DELIVERY.match(low, m.end())
            hits.append(Hit(m.start(), noun.end() if noun else m.end(), {"route": route}))
    return non_overlapping(hits)
