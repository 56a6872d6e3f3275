"""Prompted inference: for an (outcome, intervention, comparator) prompt, find the sentence
of an article that reports the result and say which way it went.

Two steps, as in the Evidence Inference pipelines (Lehman et al., NAACL 2019; DeYoung et
al., BioNLP 2020), with linear models instead of transformers so that it runs offline on a
CPU in well under a second per prompt:

1. retrieval (extractor/findings/retrieve.py) scores every sentence for the prompt;
2. the direction classifier (extractor/findings/classify.py) reads the best few sentences
   (``top_k``, chosen in training and stored with the model); their class probabilities,
   weighted by the retrieval scores, give the label.

The evidence reported is the best-scoring sentence, with offsets into ``Document.text`` and
into the source file (they differ for a reflowed ``.txt``); the prompts CSV gives the file's,
as the corpus does.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy

from extractor import resources
from extractor.document import Document
from extractor.errors import ExtractorError
from extractor.evidence import Evidence
from extractor.findings.article import Article
from extractor.findings.classify import classification_features
from extractor.findings.classify import shipped_model as direction_model
from extractor.findings.prompt import PromptTerms
from extractor.findings.retrieve import prompt_features
from extractor.formats.evidence_inference import (
    LABELS,
    Prompt,
    PromptError,
    article_path,
    read_prompts,
)
from extractor.linear import HashedLinearModel, hash_features
from extractor.source_map import span_to_source

# Article files ``infer --articles DIR`` looks for, in this order.
ARTICLE_EXTENSIONS = (".nxml", ".xml", ".html", ".htm", ".txt", ".pdf")


@dataclass(frozen=True)
class Inference:
    """The answer to one prompt: label code (-1, 0, 1), the corpus's label string, the
    evidence sentence (offsets into ``Document.text``), the label's probability, the
    evidence's retrieval score, and the evidence's span in the source file (the same
    offsets unless the parser reflowed a text file: ``Document.source_map``)."""

    label_code: int
    label: str
    evidence: Evidence
    score: float
    evidence_score: float
    source_start: int
    source_end: int


@cache
def retrieval_model() -> HashedLinearModel:
    """The evidence retrieval model shipped in the package (``models/findings/retrieval``)."""
    return HashedLinearModel.from_disk(resources.findings_model("retrieval"))


def rank_sentences(article: Article, terms: PromptTerms,
                   model: HashedLinearModel | None = None) -> numpy.ndarray:
    """The retrieval score of every sentence of the article for the prompt."""
    model = model or retrieval_model()
    rows = [hash_features(f, model.bits) for f in prompt_features(article, terms)]
    return model.positive(rows) if rows else numpy.zeros(0)


def decide(article: Article, terms: PromptTerms, scores: numpy.ndarray,
           top_k: int | None = None,
           model: HashedLinearModel | None = None) -> tuple[int, float]:
    """(label code, probability) from the ``top_k`` best sentences' class probabilities
    (default: the model's own ``top_k``), weighted by their retrieval scores."""
    model = model or direction_model()
    top_k = top_k or int(str(model.info.get("top_k", 1)))
    best = numpy.argsort(-scores, kind="stable")[:top_k]
    rows = [hash_features(classification_features(article.sentences[k].text, terms),
                          model.bits) for k in best]
    probs = model.probabilities(rows)
    combined = (probs * scores[best, None]).sum(axis=0) / max(float(scores[best].sum()), 1e-9)
    k = int(combined.argmax())
    return int(model.classes[k]), float(combined[k])


def _article(article: str | os.PathLike[str] | Document | Article) -> Article:
    if isinstance(article, Article):
        return article
    if isinstance(article, Document):
        return Article(article)
    from extractor.parsers import parse

    return Article(parse(article))


def infer(article: str | os.PathLike[str] | Document | Article, outcome: str,
          intervention: str, comparator: str) -> Inference:
    """Answer one prompt about an article (a path, a parsed Document, or an
    :class:`Article` to reuse across prompts). Raises ExtractorError when the article has
    no sentence that could state a result."""
    art = _article(article)
    if not art.sentences:
        raise ExtractorError("has no sentences to find evidence in",
                             path=str(art.document.source.path), code="no_text")
    terms = art.terms(outcome, intervention, comparator)
    scores = rank_sentences(art, terms)
    code, probability = decide(art, terms, scores)
    top = art.sentences[int(scores.argmax())]
    evidence = Evidence(start=top.start, end=top.end, text=top.text)
    source = span_to_source(art.document.source_map, top.start, top.end)
    return Inference(code, LABELS[code], evidence, probability, float(scores.max()), *source)


@dataclass(frozen=True)
class PromptAnswer:
    """One output row of ``infer --prompts``: the answer, or the error that stopped it."""

    prompt_id: str
    inference: Inference | None = None
    error: str | None = None

    def row(self) -> dict[str, str]:
        """The CSV row (columns ``ANSWER_COLUMNS``)."""
        inf = self.inference
        if inf is None:
            return {"PromptID": self.prompt_id, "label_code": "", "label": "", "evidence": "",
                    "evidence_start": "", "evidence_end": "", "score": "",
                    "error": self.error or ""}
        return {"PromptID": self.prompt_id, "label_code": str(inf.label_code),
                "label": inf.label, "evidence": inf.evidence.text,
                "evidence_start": str(inf.source_start),
                "evidence_end": str(inf.source_end), "score": f"{inf.score:.4f}",
                "error": ""}


ANSWER_COLUMNS = ("PromptID", "label_code", "label", "evidence", "evidence_start",
                  "evidence_end", "score", "error")


def answer_prompts(prompts: str | os.PathLike[str],
                   articles: str | os.PathLike[str]) -> Iterator[PromptAnswer]:
    """Answer every prompt of a prompts CSV with the articles ``PMC<PMCID>.<ext>`` of the
    folder ``articles``, in file order. Each article is parsed once for its run of prompts;
    a malformed row, a missing or unreadable article is an error answer for its prompts."""
    current: tuple[str, Article | str] | None = None
    for item in read_prompts(prompts):
        if isinstance(item, PromptError):
            yield PromptAnswer(item.prompt_id, error=f"line {item.line}: {item.reason}")
            continue
        prompt: Prompt = item
        if current is None or current[0] != prompt.pmcid:
            current = (prompt.pmcid, _load(Path(articles), prompt.pmcid))
        loaded = current[1]
        if isinstance(loaded, str):
            yield PromptAnswer(prompt.prompt_id, error=loaded)
            continue
        try:
            yield PromptAnswer(prompt.prompt_id, infer(loaded, prompt.outcome,
                                                       prompt.intervention, prompt.comparator))
        except ExtractorError as err:
            yield PromptAnswer(prompt.prompt_id, error=str(err))


def _load(folder: Path, pmcid: str) -> Article | str:
    """The Article of ``PMC<pmcid>`` in ``folder``, or why it cannot be read."""
    path = article_path(folder, pmcid, ARTICLE_EXTENSIONS)
    if path is None:
        return (f"no article PMC{pmcid} in {folder} (looked for "
                f"{', '.join(ARTICLE_EXTENSIONS)})")
    try:
        return _article(path)
    except ExtractorError as err:
        return str(err)
