"""Is a problem an adverse event or a condition? (factory ``extractor_problem_roles_v1``)

A binary linear model (``extractor.linear.HashedLinearModel``, trained by
``extractor.train.problem_role`` on the training splits of ADE-Corpus-V2 with ADE-NEG,
BC5CDR's chemical-induced diseases and PHEE's adverse versus therapeutic events) reads each
CONDITION and ADVERSE_EVENT entity in its sentence and says whether the text reports it as a
drug's adverse effect. Its features (:func:`problem_features`) are the span's own words, the
words around it and between it and the nearest drugs before and after (every entity
replaced by a mask of its label, so what is learnt is the wording, not the drug), the
distance to those drugs, the ADE sentence classifier's probability for the sentence
(``extractor.nlp.ade_sentence``), the entity's status from the context component and the
role of its section.

The component runs after ``ade_sentences`` and before ``relations``: an entity the model
scores at least ``threshold`` becomes an ADVERSE_EVENT, one below ``low`` a CONDITION, one
in between keeps the label the rules or the NER model gave it. A problem whose role one of
the context's role rules decided ("methotrexate-induced X", a table column of adverse
events, "history of X", "patients with X", "developed X"; ``context.ROLE_DECIDED``) keeps
it when that rule is in ``keep`` (by default all of them, ``KEEP``).

The model folder (``weights.npy``, ``model.json`` with the bias, ``low``, ``threshold`` and
what it was trained on) is shipped in the package (``extractor/nlp/data/problem_role``);
the factory's ``path`` names another.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractor import resources
from extractor.linear import HashedLinearModel, hash_features, row_probability
from extractor.nlp.ade_sentence import (
    ADE_PROBABILITIES,
    DIGIT,
    WORD,
    AdeSentenceModel,
    doc_sentences,
    relative_entity,
    sentence_features,
)
from extractor.nlp.context import ROLE_DECIDED, ROLE_RULES
from extractor.nlp.extensions import doc_text
from extractor.nlp.factories import factory
from extractor.nlp.ner import is_full_text

AE, COND = "ADVERSE_EVENT", "CONDITION"
PROBLEMS = frozenset({AE, COND})
DEFAULT_PATH = resources.package_dir("extractor.nlp") / "data" / "problem_role"
# every entity becomes one mask word of its label: the model learns wording, not names
MASKS = {"DRUG": "xdrugx", AE: "xprobx", COND: "xprobx", "DOSE": "xdosex",
         "ROUTE": "xroutex", "FREQUENCY": "xfreqx", "DURATION": "xdurx", "OUTCOME": "xoutx"}
# the context's role rules whose verdict the model does not overrule: all of them. On the
# training corpora the model alone is better (held-back F1 0.76 against 0.72 with the rules
# kept), but on the team's full-text seeds overruling them turns reported effects into
# conditions (micro F1 0.928 -> 0.904); the model decides the problems no rule decided
KEEP = ROLE_RULES
WINDOW = 6  # words each side read as a bag
MAX_BETWEEN = 12  # masked words between a problem and a drug read as the link's wording


def words_of(text: str) -> list[str]:
    """Lower-case words (and punctuation marks) of ``text``, digits as 0."""
    return WORD.findall(DIGIT.sub("0", text.lower()))


def _bucket(n: int) -> str:
    return str(n) if n <= 3 else "4-6" if n <= 6 else "7-12" if n <= 12 else "13+"


def masked_words(text: str, sent: Span, ents: Sequence[Span]) -> tuple[list[str], list[int]]:
    """The sentence's words (``text`` is the Doc's text) with each entity as one mask word,
    and the position of each of ``ents`` (the sentence's entities, in text order) in it."""
    words: list[str] = []
    where: list[int] = []
    pos = sent.start_char
    for e in ents:
        words += words_of(text[pos:e.start_char])
        where.append(len(words))
        words.append(MASKS.get(e.label_, "xentx"))
        pos = e.end_char
    words += words_of(text[pos:sent.end_char])
    return words, where


def problem_features(words: Sequence[str], at: int, span_words: Sequence[str],
                     drugs: Sequence[int], ade: float, status: str | None,
                     section: str | None, rule: str | None) -> list[str]:
    """Feature strings of the problem at position ``at`` of the masked sentence ``words``.

    ``span_words`` are its own words, ``drugs`` the positions of the sentence's drugs,
    ``ade`` the ADE sentence classifier's probability, ``status`` the context's status,
    ``rule`` the context's role rule that decided its label (None: none did)."""
    feats = [f"sw={w}" for w in span_words]
    feats += [f"span={' '.join(span_words)}", f"hd={span_words[-1] if span_words else ''}"]
    n = len(words)
    for k in (1, 2, 3):
        feats.append(f"l{k}={words[at - k] if at - k >= 0 else '<s>'}")
        feats.append(f"r{k}={words[at + k] if at + k < n else '</s>'}")
    feats.append(f"lb={' '.join(words[max(0, at - 2):at])}")
    feats.append(f"rb={' '.join(words[at + 1:at + 3])}")
    feats += [f"L={w}" for w in words[max(0, at - WINDOW):at]]
    feats += [f"R={w}" for w in words[at + 1:at + 1 + WINDOW]]
    k = bisect.bisect_left(drugs, at)
    before = drugs[k - 1] if k > 0 else None
    after = drugs[k] if k < len(drugs) else None
    for tag, q in (("b", before), ("a", after)):
        if q is None:
            feats.append(f"{tag}d=none")
            continue
        gap = words[q + 1:at] if tag == "b" else words[at + 1:q]
        feats.append(f"{tag}d={_bucket(len(gap))}")
        if len(gap) <= MAX_BETWEEN:
            feats += [f"{tag}w={w}" for w in gap]
            feats += [f"{tag}2={a} {b}" for a, b in zip(gap, gap[1:], strict=False)]
            if len(gap) <= 4:
                feats.append(f"{tag}seq={' '.join(gap)}")
    level = min(int(ade * 10), 9)
    has_drug = "d" if drugs else "n"
    feats += [f"ade={level}", f"ade={level}/{has_drug}", f"ndrug={min(len(drugs), 3)}",
              f"status={status}", f"sec={section}", f"rule={rule}"]
    return feats


class ProblemRoleModel:
    """The weights and the two decision thresholds of the classifier."""

    def __init__(self, linear: HashedLinearModel, low: float, threshold: float) -> None:
        self.linear = linear
        self.low = low
        self.threshold = threshold

    @property
    def bits(self) -> int:
        """Number of hash bits of the features."""
        return self.linear.bits

    def positive(self, rows: Sequence[list[int]]) -> list[float]:
        """P(adverse event) of each hashed feature row (binary, L2-normalized as in
        training)."""
        weights, bias = self.linear.weights[0], float(self.linear.bias[0])
        return [row_probability(weights, bias, row) for row in rows]

    def to_disk(self, path: str | Path) -> None:
        """Write the model folder."""
        self.linear.info.update(low=self.low, threshold=self.threshold)
        self.linear.to_disk(path)

    @classmethod
    def from_disk(cls, path: str | Path | None = None) -> ProblemRoleModel:
        """Read a model folder (default: the one shipped in the package)."""
        linear = HashedLinearModel.from_disk(Path(path) if path else DEFAULT_PATH)
        return cls(linear, float(linear.info["low"]),  # type: ignore[arg-type]
                   float(linear.info["threshold"]))  # type: ignore[arg-type]


def ade_sentence_row(text: str, sent: Span, ents: Sequence[Span], bits: int) -> list[int]:
    """The ADE sentence classifier's feature row of ``sent`` (``text`` is the Doc's text,
    ``ents`` the sentence's entities)."""
    return sentence_features(text[sent.start_char:sent.end_char],
                             [relative_entity(e, sent.start_char) for e in ents], bits)


# P(the sentence reports an adverse drug effect) from the Doc's text, the sentence and its
# entities
AdeScorer = Callable[[str, Span, Sequence[Span]], float]


def ade_scorer(model: AdeSentenceModel) -> AdeScorer:
    """An :data:`AdeScorer` that runs ``model`` on the sentence."""
    def score(text: str, sent: Span, ents: Sequence[Span]) -> float:
        return model.probability(ade_sentence_row(text, sent, ents, model.bits))
    return score


def role_rules(doc: Doc) -> dict[tuple[int, int], str]:
    """(start, end) token offsets -> the context's role rule that decided that problem."""
    return {(int(a), int(b)): str(rule) for a, b, rule in doc.user_data.get(ROLE_DECIDED, ())}


def doc_problem_rows(doc: Doc, ade: AdeScorer, bits: int,
                     skip: frozenset[tuple[int, int]] = frozenset()
                     ) -> tuple[list[Span], list[list[int]]]:
    """Every problem entity of ``doc`` (but those whose (start, end) is in ``skip``) and its
    hashed feature row (one pass per sentence that holds one); ``ade`` scores the
    sentence."""
    text = doc_text(doc)
    rules = role_rules(doc)
    ents = list(doc.ents)
    starts = [e.start for e in ents]
    problems: list[Span] = []
    rows: list[list[int]] = []
    for sent in doc_sentences(doc):
        lo, hi = bisect.bisect_left(starts, sent.start), bisect.bisect_left(starts, sent.end)
        sent_ents = ents[lo:hi]
        if not any(e.label_ in PROBLEMS and (e.start, e.end) not in skip for e in sent_ents):
            continue
        words, where = masked_words(text, sent, sent_ents)
        drugs = [where[j] for j, e in enumerate(sent_ents) if e.label_ == "DRUG"]
        p_ade = ade(text, sent, sent_ents)
        for j, e in enumerate(sent_ents):
            if e.label_ not in PROBLEMS or (e.start, e.end) in skip:
                continue
            span_words = words_of(text[e.start_char:e.end_char])
            feats = problem_features(words, where[j], span_words, drugs, p_ade, e._.status,
                                     e._.section, rules.get((e.start, e.end)))
            problems.append(e)
            rows.append(hash_features(feats, bits))
    return problems, rows


class ProblemRoles:
    """spaCy component: relabels problems as ADVERSE_EVENT or CONDITION by the model."""

    def __init__(self, model: ProblemRoleModel, ade_model: AdeSentenceModel,
                 keep: Sequence[str] = (), short_threshold: float | None = None,
                 short_keep: Sequence[str] = ()) -> None:
        self.model = model
        self.ade_model = ade_model
        self.keep = frozenset(keep)
        # abstracts and sentences, the kind of text it was trained on (is_full_text): there
        # the model's own threshold and fewer rules that overrule it
        self.short_threshold = model.threshold if short_threshold is None else short_threshold
        self.short_keep = frozenset(keep if short_threshold is None else short_keep)

    def __call__(self, doc: Doc) -> Doc:
        stored = doc.user_data.get(ADE_PROBABILITIES) or {}
        fallback = ade_scorer(self.ade_model)

        def ade(text: str, sent: Span, ents: Sequence[Span]) -> float:
            known = stored.get(sent.start_char)
            return fallback(text, sent, ents) if known is None else float(known)

        full = is_full_text(doc)
        threshold = self.model.threshold if full else self.short_threshold
        keep = self.keep if full else self.short_keep
        # the problems whose role a kept rule decided are not even scored
        decided = frozenset(k for k, rule in role_rules(doc).items() if rule in keep)
        problems, rows = doc_problem_rows(doc, ade, self.model.bits, decided)
        new: dict[tuple[int, int], str] = {}
        for e, p in zip(problems, self.model.positive(rows), strict=True):
            label = AE if p >= threshold else COND if p < self.model.low else None
            if label is not None and label != e.label_:
                new[(e.start, e.end)] = label
        if new:
            # span extension values are keyed by character offsets: relabelled spans keep them
            doc.ents = [Span(doc, e.start, e.end, label=new[(e.start, e.end)])
                        if (e.start, e.end) in new else e for e in doc.ents]
        return doc


@factory("problem_roles", default_config={"path": "", "ade_path": "", "keep": list(KEEP),
                                         "short_threshold": None, "short_keep": []})
def make_problem_roles(nlp: Language, name: str, path: str, ade_path: str,
                       keep: list[str], short_threshold: float | None,
                       short_keep: list[str]) -> ProblemRoles:
    """Factory for the pipeline config; empty paths read the models shipped in the package,
    ``keep`` names the context's role rules (``context.ROLE_RULES``) whose verdict stands.
    On abstracts and sentences (not full texts, ``ner.is_full_text``) ``short_threshold``
    and ``short_keep`` replace the model's threshold and ``keep`` (None: the same)."""
    unknown = (set(keep) | set(short_keep)) - set(ROLE_RULES)
    if unknown:
        raise ValueError(f"unknown role rules {sorted(unknown)} (known: {ROLE_RULES})")
    return ProblemRoles(ProblemRoleModel.from_disk(path or None),
                        AdeSentenceModel.from_disk(ade_path or None), keep, short_threshold,
                        short_keep)
