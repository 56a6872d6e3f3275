"""The knowledge base: every drug and condition name the pipeline knows, with its concept.

Sources, in increasing priority: the names mined from the public corpora's training gold
(mined.tsv.gz, only where no other source holds the name), the package lexicons
(drug-named-entity-recognition, HPO, ICD-10-CM; read through
extractor/nlp/lexicon_sources.py), then the curated files in models/lexicon/
(drug_aliases.tsv, condition_aliases.tsv). Names that are common words,
too short or ambiguous are dropped (spaCy's English stop words, models/lexicon/stoplist.tsv,
and protein/enzyme entries of the drug dictionary); ``Lexicon.dropped`` lists each with why.

This is where a drug or condition name becomes a normalized concept: ``load_lexicon().lookup``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS

from extractor.nlp.lexicon_sources import (
    LEXICON_DIR,
    load_condition_rows,
    load_drug_rows,
    load_mined_rows,
    load_shadowed,
)

DRUG = "DRUG"
CONDITION = "CONDITION"

DRUG_ALIASES = LEXICON_DIR / "drug_aliases.tsv"
CONDITION_ALIASES = LEXICON_DIR / "condition_aliases.tsv"
STOPLIST = LEXICON_DIR / "stoplist.tsv"

MIN_LENGTH = 3
# MeSH tree tops of proteins, enzymes, nucleic acids, lipids, carbohydrates and biological
# factors: the drug dictionary holds thousands of these ("janus kinase 2", "receptor,
# serotonin 4") that are targets, not drugs. Entries with a DrugBank id are kept.
# Genus + species (two words) of common pathogens: the drug dictionary lists many as allergen
# extracts or probiotics, but an article naming "Escherichia coli" means the organism.
_ORGANISM = re.compile(
    r"^(?:escherichia|staphylococcus|streptococcus|pseudomonas|klebsiella|enterococcus|candida|"
    r"aspergillus|clostridium|clostridioides|mycobacterium|salmonella|listeria|haemophilus|"
    r"neisseria|bacillus|sporothrix|cryptococcus|helicobacter|bordetella|corynebacterium|"
    r"treponema|proteus|enterobacter|acinetobacter|serratia|legionella|shigella|campylobacter|"
    r"histoplasma|coccidioides|blastomyces|pneumocystis|toxoplasma|plasmodium|trichophyton|"
    r"microsporum|malassezia|mucor|rhizopus|fusarium|nocardia|actinomyces|bacteroides|"
    r"propionibacterium|cutibacterium|moraxella|brucella|borrelia|leptospira|rickettsia|"
    r"chlamydia|mycoplasma|ureaplasma|vibrio|yersinia|francisella|burkholderia|"
    r"stenotrophomonas|citrobacter|morganella|providencia|prevotella|fusobacterium|"
    r"peptostreptococcus|gardnerella|trichomonas|giardia|entamoeba|leishmania|trypanosoma)"
    r"\s+[a-z]+$"
)
_NON_DRUG_MESH = {"D05", "D08", "D09", "D10", "D12", "D13", "D23"}
# An all-caps token (optionally with digits/hyphens) is an acronym: match it case-sensitively
# so that "MACE" does not fire on "mace" and "VTE" only on "VTE".
_LETTER = re.compile(r"[^\W\d_]")
_WORDS = re.compile(r"[^\W\d_]+")
_CYTOKINE = re.compile(r"^(?:il|interleukin)[- ]?\d")
_ACRONYM = re.compile(r"^[A-Z0-9][A-Z0-9-]*[A-Z][A-Z0-9-]*$|^[A-Z][a-z]?[A-Z]+[a-z]?$")


@dataclass
class Concept:
    """A normalized concept: label, canonical lower-case name, vocabulary ids, producer."""

    label: str
    name: str
    ids: dict[str, str]
    source: str  # "lexicon:drug", "curated:drug", "lexicon:condition", "curated:condition"


@dataclass
class Lexicon:
    """Name -> Concept maps (case-insensitive and case-sensitive) and what was dropped."""

    lower: dict[str, Concept] = field(default_factory=dict)
    cased: dict[str, Concept] = field(default_factory=dict)
    dropped: list[tuple[str, str, str]] = field(default_factory=list)  # (name, label, reason)

    def lookup(self, text: str) -> Concept | None:
        """The concept ``text`` names exactly (case-sensitive acronyms first), else None."""
        text = " ".join(text.split())
        return self.cased.get(text) or self.lower.get(text.lower())

    def add(self, name: str, concept: Concept, *, replace: bool) -> None:
        """Index ``name`` (acronyms case-sensitively); curated entries replace others."""
        table, key = (self.cased, name) if is_acronym(name) else (self.lower, name.lower())
        if replace or key not in table:
            table[key] = concept

    def names(self, label: str | None = None) -> list[tuple[str, Concept]]:
        """All (name, concept) pairs, optionally of one label."""
        pairs = [*self.lower.items(), *self.cased.items()]
        return [(n, c) for n, c in pairs if label is None or c.label == label]


def is_acronym(name: str) -> bool:
    """All-caps names ("MACE", "JAKi", "VTE") are matched case-sensitively."""
    return " " not in name and bool(_ACRONYM.match(name))


def _read_curated(path: Path) -> list[list[str]]:
    """Rows of a curated TSV; '#' lines and blank lines are comments."""
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            rows.append([c.strip() for c in line.rstrip("\n").split("\t")])
    return rows


def _stoplist() -> dict[tuple[str, str], str]:
    """(lower-case name, label or "*") -> reason, from models/lexicon/stoplist.tsv."""
    out: dict[tuple[str, str], str] = {}
    for row in _read_curated(STOPLIST):
        name, scope, reason = (row + ["", ""])[:3]
        out[(name.lower(), scope.upper() or "*")] = reason or "curated stoplist"
    return out


def drop_reason(name: str, label: str, stoplist: dict[tuple[str, str], str]) -> str | None:
    """Why ``name`` must not be matched as ``label``, or None when it may."""
    low = name.lower()
    if len(low) < MIN_LENGTH:
        return "shorter than 3 characters"
    if not _LETTER.search(low):
        return "no letters"
    if low in STOP_WORDS:
        return "English stop word"
    words = _WORDS.findall(low)
    if all(w in STOP_WORDS for w in words):
        return "only stop words and numbers"
    if label == DRUG and _CYTOKINE.match(low):
        return "interleukin: a drug target in this literature, not a drug"
    if label == DRUG and _ORGANISM.match(low):
        return "organism (an allergen extract or probiotic in the dictionary): in articles, " \
            "almost always the pathogen"
    return stoplist.get((low, label)) or stoplist.get((low, "*"))


def _drug_ids(drugbank: str, mesh: str, action_ids: set[str], is_class: bool) -> dict[str, str]:
    ids = {}
    if drugbank:
        ids["drugbank"] = drugbank
    if mesh:
        # The package gives many drugs the MeSH id of their pharmacologic action (tacrolimus
        # and cyclosporine: "Calcineurin Inhibitors"); keep it apart from a substance id.
        ids["mesh" if is_class or mesh not in action_ids else "mesh_action"] = mesh
    return ids


def _add_drugs(lex: Lexicon, stoplist: dict[tuple[str, str], str]) -> dict[str, Concept]:
    rows = load_drug_rows()
    action_ids = {r.mesh for r in rows if r.mesh and "D27" in r.mesh_tops.split()}
    concepts: dict[str, Concept] = {}
    for r in rows:
        tops = set(r.mesh_tops.split())
        if not r.drugbank and tops and tops <= _NON_DRUG_MESH:
            lex.dropped.append((r.name, DRUG, "protein/enzyme/biomolecule, not a drug"))
            continue
        reason = drop_reason(r.name, DRUG, stoplist)
        if reason:
            lex.dropped.append((r.name, DRUG, reason))
            continue
        concept = concepts.get(r.canonical)
        if concept is None:
            ids = _drug_ids(r.drugbank, r.mesh, action_ids, "D27" in tops)
            concept = concepts[r.canonical] = Concept(DRUG, r.canonical, ids, "lexicon:drug")
        lex.lower.setdefault(r.name, concept)
    return concepts


def _add_conditions(lex: Lexicon, stoplist: dict[tuple[str, str], str]) -> dict[str, Concept]:
    """HPO terms and ICD-10-CM descriptions merged by name; returns concepts by name."""
    hpo: dict[str, tuple[str, str, bool]] = {}  # name -> (HP id, preferred, is own name)
    icd: dict[str, str] = {}  # lower name -> code
    originals: dict[str, str] = {}
    for r in load_condition_rows():
        key = r.name.lower()
        originals.setdefault(key, r.name)
        if r.concept.startswith("HP:"):
            own = r.name == r.preferred
            # a term's own name beats another term's synonym of the same spelling
            if key not in hpo or (own and not hpo[key][2]):
                hpo[key] = (r.concept, r.preferred, own)
        else:
            icd.setdefault(key, r.concept)
    # An HPO term whose names meet exactly one ICD-10-CM code gets that code on all its names
    # ("Lymphopenia" and its synonym "Lymphocytopenia" -> D72.810).
    codes_of_term: dict[str, set[str]] = {}
    for key, (hp, _, _) in hpo.items():
        if key in icd:
            codes_of_term.setdefault(hp, set()).add(icd[key])
    by_term: dict[str, Concept] = {}
    by_name: dict[str, Concept] = {}
    for key in [*hpo, *icd]:
        if key in by_name:
            continue
        reason = drop_reason(key, CONDITION, stoplist)
        if reason:
            lex.dropped.append((originals[key], CONDITION, reason))
            continue
        if key in hpo:
            hp, preferred, _ = hpo[key]
            concept = by_term.get(hp)
            if concept is None:
                ids = {"hpo": hp}
                codes = codes_of_term.get(hp, set())
                if len(codes) == 1:
                    ids["icd10cm"] = next(iter(codes))
                elif key in icd:
                    ids["icd10cm"] = icd[key]
                concept = Concept(CONDITION, preferred.lower(), ids, "lexicon:condition")
                by_term[hp] = concept
        else:
            concept = Concept(CONDITION, key, {"icd10cm": icd[key]}, "lexicon:condition")
        by_name[key] = concept
        lex.add(originals[key], concept, replace=False)
    return by_name


def _add_curated_drugs(lex: Lexicon, drugs: dict[str, Concept]) -> None:
    """alias, canonical[, drugbank, mesh]: ids default to the canonical's own ids."""
    for row in _read_curated(DRUG_ALIASES):
        alias, canonical, drugbank, mesh = (row + ["", "", ""])[:4]
        canonical = canonical.lower()
        known = drugs.get(canonical)
        ids = dict(known.ids) if known else {}
        if drugbank:
            ids["drugbank"] = drugbank
        if mesh:
            ids["mesh"] = mesh
        lex.add(alias, Concept(DRUG, canonical, ids, "curated:drug"), replace=True)


def _add_curated_conditions(lex: Lexicon, conditions: dict[str, Concept]) -> None:
    """alias, preferred[, ids]: blank ids are taken from the lexicon entry of ``preferred``
    (ids are written "HP:0002910 R74.01"); the curated preferred name also renames the
    HPO term, so its other names normalize to the same string."""
    renamed: dict[str, Concept] = {}
    for row in _read_curated(CONDITION_ALIASES):
        alias, preferred, id_text = (row + ["", ""])[:3]
        preferred = preferred.lower()
        known = conditions.get(preferred)
        ids = dict(known.ids) if known and not id_text else {}
        for token in id_text.split():
            ids["hpo" if token.startswith("HP:") else "icd10cm"] = token
        concept = Concept(CONDITION, preferred, ids, "curated:condition")
        lex.add(alias, concept, replace=True)
        if "hpo" in ids:
            renamed.setdefault(ids["hpo"], concept)
    for concept in {id(c): c for c in conditions.values()}.values():
        target = renamed.get(concept.ids.get("hpo", ""))
        if target is not None:
            concept.name = target.name


# Last words of condition names that a text writes in either number ("gliomas",
# "arteriovenous malformations", "neurological deficit"): each name ending in one of these
# also matches in the other number.
_COUNTABLE = re.compile(
    r"(?:oma|tumou?r|cancer|disease|disorder|syndrome|infection|malformation|deficit|"
    r"reaction|lesion|ulcer|aneurysm|seizure|polyp|abnormalit|anomal|cyst|defect|fracture|"
    r"injur|arrhythmia|neoplasm|malignanc|complication|pain|spasm|hemorrhage|haemorrhage|"
    r"infarct|attack|nodule|neuropath|cardiomyopath|effect|event|episode)(?:y|ies|s)?$"
)


def number_variant(name: str) -> str | None:
    """``name`` with its last word in the other grammatical number, when that word is a
    countable condition noun (:data:`_COUNTABLE`); else None."""
    if not _COUNTABLE.search(name):
        return None
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith("y"):
        return name[:-1] + "ies"
    return name[:-1] if name.endswith("s") else name + "s"


def _add_number_variants(lex: Lexicon, stoplist: dict[tuple[str, str], str]) -> None:
    """Singular and plural forms of the condition names that lack the other form."""
    for name, concept in list(lex.lower.items()):
        variant = number_variant(name) if concept.label == CONDITION else None
        if (variant is not None and variant not in lex.lower
                and not drop_reason(variant, CONDITION, stoplist)):
            lex.lower[variant] = concept


def _mined_ids(mesh: str) -> dict[str, str]:
    if mesh.startswith("OMIM:"):
        return {"omim": mesh[5:]}
    return {"mesh": mesh} if mesh else {}


def _add_mined(lex: Lexicon, stoplist: dict[tuple[str, str], str]) -> None:
    """Names the corpora's training gold annotates in most of their occurrences
    (models/lexicon/mined.tsv.gz); a name the other sources hold keeps their concept."""
    for row in load_mined_rows():
        if lex.lookup(row.name) is not None:
            continue
        reason = drop_reason(row.name, row.label, stoplist)
        if reason:
            lex.dropped.append((row.name, row.label, reason))
            continue
        # a plural the other sources hold in the singular ("gliomas") takes their concept
        variant = number_variant(row.name.lower()) if row.label == CONDITION else None
        concept = lex.lower.get(variant) if variant else None
        if concept is None or concept.label != row.label:
            kind = "drug" if row.label == DRUG else "condition"
            concept = Concept(row.label, row.name.lower(), _mined_ids(row.mesh),
                              f"lexicon:mined-{kind}")
        lex.add(row.name, concept, replace=False)


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The lexicon, once per process: read from the disk cache of the last build with the
    same inputs (extractor/nlp/kb_cache.py), else built."""
    from extractor.nlp import kb_cache  # it reads this module's file names

    return kb_cache.load_or_build(build_lexicon, kb_cache.inputs())


def _drop_shadowed(lex: Lexicon) -> None:
    """Drop the names the training gold annotates as a shorter name inside them ("acute
    hepatitis": the shorter name, matched alone, is what the corpora mark)."""
    for name, label in load_shadowed():
        table, key = (lex.cased, name) if is_acronym(name) else (lex.lower, name.lower())
        concept = table.get(key)
        if concept is not None and concept.label == label and \
                not concept.source.startswith("curated"):
            del table[key]
            lex.dropped.append((name, label, "the training gold marks a shorter name inside"))


def build_lexicon(drop_shadowed: bool = True) -> Lexicon:
    """Build the lexicon from its sources (drugs win over conditions on a shared name,
    curated entries win over both); ``drop_shadowed`` applies shadowed.tsv.gz (off only
    while that file is built)."""
    lex = Lexicon()
    stoplist = _stoplist()
    drugs = _add_drugs(lex, stoplist)
    conditions = _add_conditions(lex, stoplist)
    _add_curated_drugs(lex, drugs)
    _add_curated_conditions(lex, conditions)
    _add_mined(lex, stoplist)
    _add_number_variants(lex, stoplist)
    if drop_shadowed:
        _drop_shadowed(lex)
    return lex
