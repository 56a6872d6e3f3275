"""The ``extractor_linker_v1`` component: normalize the entities that have no concept yet.

For each DRUG, CONDITION or ADVERSE_EVENT entity without a ``norm_name`` (a model-found
mention, an abbreviation whose long form was not normalized): exact lookup of its text (or
of its expansion, for an abbreviation) in the lexicon, else the fuzzy linker
(extractor/nlp/fuzzy.py) with an edit-similarity threshold. It also finds misspelled drug
names the exact lexicon missed, cheaply: only words with a drug-name stem ("-citnib",
"-mab", "-limus", ...) that no entity covers are looked up, never every token.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractor.nlp.extensions import doc_text
from extractor.nlp.factories import factory
from extractor.nlp.kb import CONDITION, DRUG, Lexicon, load_lexicon

# Entity label -> lexicon label it is normalized against
_LEXICON_LABEL = {DRUG: DRUG, CONDITION: CONDITION, "ADVERSE_EVENT": CONDITION}
# Tuned on an invented list of 35 misspellings and 40 ordinary words (tests and report):
# 0.80-0.85 links 32/35 correctly, none wrongly, and no ordinary word; 0.75 links 2 words.
DEFAULT_THRESHOLD = 0.85
# Shorter strings have too many neighbours one edit away ("window" ~ "windol").
MIN_FUZZY_LENGTH = 7
# Fuzzy answers remembered per process: an article repeats its names, a batch its terms
FUZZY_CACHE_SIZE = 50_000
# INN stems of drug names (WHO): a word ending so that no entity covers is likely a drug.
_DRUG_STEM = re.compile(
    r"\b[A-Za-z][a-z]{3,}(?:mab|nib|nab|cept|limus|olone|sone|pril|sartan|statin|azole|"
    r"mycin|cillin|vir|oxacin|cycline|platin|parin|xaban|gliptin|glutide|lukast|dronate|"
    r"tidine|setron|triptan|afil|kinra|cizumab|ximab|zumab|umab)\b"
)


class Linker:
    """Sets norm_name / norm_ids / norm_score on entities the lexicon did not normalize."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, find_misspelled: bool = True):
        self.threshold = threshold
        self.find_misspelled = find_misspelled
        self.lexicon: Lexicon = load_lexicon()
        self._cache: dict[tuple[str, str], object] = {}

    def warm(self, build: bool = True) -> None:
        """Load the fuzzy index now rather than on the first mention that needs it (~2 s
        when cached on disk; a benchmark calls this so its timing excludes the load).
        ``build=False`` loads it only when this machine has built it already: the build
        (a minute, once per machine) is then left to the first mention that needs it, and
        many runs have none (``make run`` on corpus/examples)."""
        from extractor.nlp.fuzzy import get_fuzzy_linker, index_is_built

        if build or index_is_built(self.lexicon):
            get_fuzzy_linker()

    def _fuzzy(self, texts: list[str], labels: list[str]) -> list:
        from extractor.nlp.fuzzy import get_fuzzy_linker  # built on first need only

        keys = list(zip(texts, labels, strict=True))
        new = list(dict.fromkeys(k for k in keys if k not in self._cache))
        if new:
            if len(self._cache) + len(new) > FUZZY_CACHE_SIZE:
                self._cache.clear()
            found = get_fuzzy_linker().best([t for t, _ in new], [lab for _, lab in new])
            self._cache.update(zip(new, found, strict=True))
        return [self._cache[k] for k in keys]

    def __call__(self, doc: Doc) -> Doc:
        pending: list[tuple[Span, str, str]] = []
        for ent in doc.ents:
            label = _LEXICON_LABEL.get(ent.label_)
            if label is None or ent._.norm_name:
                continue
            text = ent._.expansion or ent.text
            concept = self.lexicon.lookup(text)
            if concept is not None and concept.label == label:
                ent._.norm_name, ent._.norm_ids = concept.name, dict(concept.ids)
                ent._.norm_score = 1.0
            elif len(text) >= MIN_FUZZY_LENGTH:
                pending.append((ent, text, label))
        if pending:
            matches = self._fuzzy([t for _, t, _ in pending], [lab for _, _, lab in pending])
            for (ent, _, _), match in zip(pending, matches, strict=True):
                if match is not None and match.score >= self.threshold:
                    ent._.norm_name, ent._.norm_ids = match.concept.name, dict(match.concept.ids)
                    ent._.norm_score = round(match.score, 3)
        if self.find_misspelled:
            self._add_misspelled_drugs(doc)
        return doc

    def _add_misspelled_drugs(self, doc: Doc) -> None:
        taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        spans: list[Span] = []
        for m in _DRUG_STEM.finditer(doc_text(doc)):
            span = doc.char_span(m.start(), m.end())
            if span is None or any(i in taken for i in range(span.start, span.end)):
                continue
            if self.lexicon.lookup(span.text) is None:
                spans.append(span)
        if not spans:
            return
        matches = self._fuzzy([s.text for s in spans], [DRUG] * len(spans))
        added = []
        for span, match in zip(spans, matches, strict=True):
            if match is None or match.score < self.threshold:
                continue
            ent = Span(doc, span.start, span.end, label=DRUG)
            ent._.found_by = ["linker:fuzzy"]
            ent._.norm_name, ent._.norm_ids = match.concept.name, dict(match.concept.ids)
            ent._.norm_score = round(match.score, 3)
            added.append(ent)
        if added:
            doc.ents = sorted([*doc.ents, *added], key=lambda s: s.start)


@factory("linker", default_config={"threshold": DEFAULT_THRESHOLD, "find_misspelled": True})
def make_linker(nlp: Language, name: str, threshold: float, find_misspelled: bool) -> Linker:
    """spaCy factory: the normalizing linker (the fuzzy index loads on first need)."""
    return Linker(threshold=threshold, find_misspelled=find_misspelled)
