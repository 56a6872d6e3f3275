"""Which sentence of an article states the result a prompt asks about (evidence retrieval).

A linear model (``extractor.train.findings``; Evidence Inference 2.0 training articles)
scores each sentence from features of two kinds:

- how much of the prompt it names: the idf-weighted share of the outcome's, the
  intervention's and the comparator's stems in the sentence (binned), the outcome share of the
  sentences before and after it (a result often names its outcome one sentence earlier), and
  the sentence's rank by outcome share within the article;
- whether it reads like a result: its masked words and word pairs
  (extractor/findings/prompt.py), its section role, whether it states a p-value or a
  percentage, and the crossings of these with the outcome share.

The evidence is the best-scoring sentence; the scores of the others rank alternatives.
"""

from __future__ import annotations

from extractor.findings.article import Article, Sentence
from extractor.findings.prompt import PromptTerms, mask

BITS = 20
_BINS = (0.0, 0.34, 0.67, 0.999)


def _bin(share: float) -> str:
    """'0', '1' .. '3' or 'all' for an overlap share."""
    if share <= 0.0:
        return "0"
    for k, edge in enumerate(_BINS[1:], start=1):
        if share < edge:
            return str(k)
    return "all"


def _rank_bin(rank: int) -> str:
    return "0" if rank == 0 else "1-2" if rank < 3 else "3-9" if rank < 10 else "10+"


def _has_p(tokens: tuple[str, ...]) -> bool:
    return any(t == "p" and nxt in ("<", "=", ">", "≤", "≥", "‹", "value", "-")
               for t, nxt in zip(tokens, tokens[1:], strict=False))


def _phrase(sequence: tuple[str, ...], content: tuple[str, ...]) -> bool:
    """Whether two consecutive content words of the outcome follow each other in the
    sentence's content words (the outcome named as a phrase, not its words scattered)."""
    if len(sequence) < 2:
        return False
    pairs = set(zip(sequence, sequence[1:], strict=False))
    return any(pair in pairs for pair in zip(content, content[1:], strict=False))


def outcome_shares(article: Article, terms: PromptTerms) -> list[float]:
    """The outcome share of every sentence of the article, in order."""
    return [article.weighted_share(terms.outcome, s.stems) for s in article.sentences]


def sentence_features(article: Article, index: int, terms: PromptTerms,
                      shares: list[float], ranks: list[int]) -> list[str]:
    """The retrieval features of sentence ``index`` for a prompt (module docstring);
    ``shares`` from :func:`outcome_shares`, ``ranks`` each sentence's rank by share."""
    sent: Sentence = article.sentences[index]
    o = _bin(shares[index])
    i = _bin(article.weighted_share(terms.intervention, sent.stems))
    c = _bin(article.weighted_share(terms.comparator, sent.stems))
    before = _bin(shares[index - 1]) if index > 0 else "none"
    after = _bin(shares[index + 1]) if index + 1 < len(shares) else "none"
    rank = _rank_bin(ranks[index]) if shares[index] > 0 else "none"
    p = _has_p(sent.tokens)
    pct = "%" in sent.tokens
    sig = any(t.startswith("significan") for t in sent.tokens)
    matched = len(terms.outcome & sent.stems)
    feats = [
        f"part={sent.part}", f"role={sent.role}|part={sent.part}|o={o}",
        f"o_n={min(matched, 4)}", f"o_phrase={_phrase(terms.outcome_sequence, sent.content)}",
        f"o={o}", f"i={i}", f"c={c}", f"o={o}|i={i}|c={c}", f"o={o}|before={before}",
        f"o={o}|after={after}", f"rank={rank}", f"rank={rank}|o={o}", f"role={sent.role}",
        f"role={sent.role}|o={o}", f"p={p}", f"p={p}|o={o}", f"pct={pct}|o={o}",
        f"sig={sig}|o={o}", f"p={p}|sig={sig}|rank={rank}", f"role={sent.role}|p={p}",
    ]
    masked = mask(list(sent.tokens), terms)
    feats += [f"w={w}" for w in masked]
    feats += [f"b={a} {b}" for a, b in zip(masked, masked[1:], strict=False)]
    return feats


def ranks_of(shares: list[float]) -> list[int]:
    """Each sentence's rank by outcome share (0: the highest; ties share a rank)."""
    distinct = sorted(set(shares), reverse=True)
    position = {v: k for k, v in enumerate(distinct)}
    return [position[v] for v in shares]


def prompt_features(article: Article, terms: PromptTerms) -> list[list[str]]:
    """The retrieval features of every sentence of the article for one prompt."""
    shares = outcome_shares(article, terms)
    ranks = ranks_of(shares)
    return [sentence_features(article, k, terms, shares, ranks)
            for k in range(len(article.sentences))]
