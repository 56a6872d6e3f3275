"""Which way a result went: did the intervention significantly increase, significantly
decrease, or make no significant difference to the outcome against the comparator?

A three-class linear model (``extractor.train.findings``, trained on the Evidence Inference
2.0 training evidence spans and the sentences holding them) over features of the sentence
with the prompt's words masked (extractor/findings/prompt.py):

- masked words, word pairs and triples ("xintx significantly lower", "no significant
  difference");
- the comparison's orientation: which of intervention and comparator the sentence names
  first, and which one follows "than", "compared with", "versus" (the reference), each
  crossed with every word, so that "lower in xintx than xcompx" and "lower in xcompx than
  xintx" point opposite ways;
- the statistics (extractor/findings/effects.py): whether a p-value, an interval or the words
  say significant or not, and whether an effect estimate lies below or above its null.
"""

from __future__ import annotations

from functools import cache

from extractor import resources
from extractor.findings.effects import crosses_null, find_effects, significance
from extractor.findings.prompt import MASKS, PromptTerms, mask, words
from extractor.linear import HashedLinearModel, hash_features

BITS = 20
LABEL_CODES = (-1, 0, 1)
_REFERENCE_CUES = frozenset({"than", "compared", "versus", "vs", "relative", "against", "over"})
# Words that say which way a value moved; grouped so that a rare wording ("diminished")
# learns from the common ones.
_UP_WORDS = """higher high greater more increase increased increases increasing
elevated elevation raised rise rises rose larger longer improved improvement improve
improves better gain gained exceeded superior enhanced augmented prolonged"""
_DOWN_WORDS = """lower low less fewer decrease decreased decreases decreasing reduced
reduce reduces reducing reduction reductions decline declined smaller shorter lowered
worse drop dropped fall fell diminished attenuated inferior lessened suppressed
suppression"""
_UP = frozenset(_UP_WORDS.split())
_DOWN = frozenset(_DOWN_WORDS.split())
_NUMBER_WINDOW = 8  # tokens after an arm's name in which its value is looked for


def _orientation(masked: list[str]) -> tuple[str, str]:
    """(order, reference): which arm is named first ('ic', 'ci', 'i', 'c' or 'none') and
    which arm the comparison is against ('xintx', 'xcompx' or 'none')."""
    first_i = next((k for k, w in enumerate(masked) if w == "xintx"), None)
    first_c = next((k for k, w in enumerate(masked) if w == "xcompx"), None)
    if first_i is not None and first_c is not None:
        order = "ic" if first_i < first_c else "ci"
    else:
        order = "i" if first_i is not None else "c" if first_c is not None else "none"
    reference = "none"
    for k, w in enumerate(masked):
        if w in _REFERENCE_CUES:
            after = next((m for m in masked[k + 1:k + 6] if m in ("xintx", "xcompx")), None)
            if after:
                reference = after
                break
    return order, reference


def _moves(masked: list[str], order: str, reference: str) -> list[str]:
    """The movement words of the sentence, grouped, crossed with the orientation."""
    feats = []
    for group, lexicon in (("up", _UP), ("down", _DOWN)):
        if any(w in lexicon for w in masked):
            feats += [f"move={group}", f"move={group}|order={order}",
                      f"move={group}|ref={reference}",
                      f"move={group}|order={order}|ref={reference}"]
    return feats


def _arm_values(masked: list[str]) -> list[str]:
    """Which arm's value is larger, when each arm's name is followed by a number
    ("20.5% in xintx ... 44.5% in xcompx" reads the numbers before, too)."""
    def value_near(name: str) -> float | None:
        k = next((i for i, w in enumerate(masked) if w == name), None)
        if k is None:
            return None
        for w in masked[k + 1:k + 1 + _NUMBER_WINDOW]:
            if w in ("xintx", "xcompx"):
                break
            if w[0].isdigit():
                return float(w)
        return None

    i, c = value_near("xintx"), value_near("xcompx")
    if i is None or c is None or i == c:
        return []
    return [f"arm_values={'i>c' if i > c else 'i<c'}"]


def _statistics(text: str) -> list[str]:
    """Features of what the sentence's statistics say."""
    sig = significance(text)
    feats = [f"stat_sig={sig}"]
    for match in find_effects(text):
        effect = match.effect
        null = 0.0 if effect.measure in ("MD", "SMD", "RD", "ARR", "difference",
                                         "percent_change") else 1.0
        side = "below" if effect.value < null else "above" if effect.value > null else "at"
        feats += [f"effect={side}", f"effect={side}|crosses={crosses_null(effect)}"]
    return feats


def classification_features(text: str, terms: PromptTerms) -> list[str]:
    """The features of an evidence sentence for a prompt (module docstring)."""
    tokens = words(text)
    masked = mask(tokens, terms)
    order, reference = _orientation(masked)
    feats = [f"order={order}", f"ref={reference}", f"order={order}|ref={reference}"]
    feats += [f"w={w}" for w in masked]
    feats += [f"b={a} {b}" for a, b in zip(masked, masked[1:], strict=False)]
    feats += [f"t={a} {b} {c}" for a, b, c in zip(masked, masked[1:], masked[2:], strict=False)]
    plain = {w for w in masked if w[0].isalpha() and w not in MASKS}
    feats += [f"{w}|order={order}" for w in plain]
    feats += [f"{w}|ref={reference}" for w in plain]
    kept_numbers = mask(tokens, terms, fold_digits=False)
    return feats + _moves(masked, order, reference) + _arm_values(kept_numbers) + _statistics(
        text)


@cache
def shipped_model() -> HashedLinearModel:
    """The direction classifier shipped in the package (``models/findings/direction``)."""
    return HashedLinearModel.from_disk(resources.findings_model("direction"))


def direction_of(sentence: str, outcome: str | None, intervention: str | None,
                 comparator: str | None,
                 model: HashedLinearModel | None = None) -> tuple[int, float]:
    """(label code, probability) for a sentence: -1 the intervention significantly
    decreased the outcome against the comparator, 0 no significant difference, 1
    significantly increased. Missing prompt parts are simply not masked."""
    model = model or shipped_model()
    features = hash_features(
        classification_features(sentence, PromptTerms.of(outcome, intervention, comparator)),
        model.bits)
    probs = model.probabilities([features])[0]
    best = int(probs.argmax())
    return int(model.classes[best]), float(probs[best])
