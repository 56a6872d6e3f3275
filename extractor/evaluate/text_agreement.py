"""Text agreement between two renderings of the same article (e.g. JATS body vs PDF text).

Words are lowercased runs of letters and digits after Unicode NFKC normalization (so
ligatures and mathematical italic letters compare equal to their plain forms). Coverage is
computed over word *multisets*: a reference word that occurs three times must occur three
times in the candidate to count fully, so dropped repeated passages are not hidden.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The lowercased alphanumeric tokens of ``text`` (NFKC-normalized)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).lower())


def _overlap(ref: Counter[str], cand: Counter[str]) -> int:
    return sum(min(n, cand[w]) for w, n in ref.items())


def word_coverage(reference_text: str, candidate_text: str) -> float:
    """Share of the reference's words (as a multiset) that the candidate text contains.

    1.0 when the reference has no words (nothing to miss).
    """
    ref = Counter(words(reference_text))
    total = sum(ref.values())
    if not total:
        return 1.0
    return _overlap(ref, Counter(words(candidate_text))) / total


def text_agreement(reference_text: str, candidate_text: str) -> dict[str, float]:
    """Numbers comparing a candidate text with a reference text.

    - ``coverage``: multiset share of reference words found in the candidate (recall);
    - ``set_coverage``: share of distinct reference words found at all;
    - ``precision``: multiset share of candidate words found in the reference (low values
      mean extra text: running headers, reference lists, figure text);
    - ``reference_words`` / ``candidate_words``: token counts.
    """
    ref = Counter(words(reference_text))
    cand = Counter(words(candidate_text))
    n_ref, n_cand = sum(ref.values()), sum(cand.values())
    common = _overlap(ref, cand)
    return {
        "coverage": common / n_ref if n_ref else 1.0,
        "set_coverage": (sum(1 for w in ref if w in cand) / len(ref)) if ref else 1.0,
        "precision": common / n_cand if n_cand else 1.0,
        "reference_words": float(n_ref),
        "candidate_words": float(n_cand),
    }
