"""The pipeline's tokenizer: scispacy's combined rule tokenizer plus splits for doses.

scispacy keeps "4mg/day" or "p<0.05" as one token (it removed "/" from the infixes so that
"and/or" survives). The pattern rules need token boundaries where their matches begin and
end, so a few extra infixes split quantities predictably:

================================  =========================================
text                              tokens
================================  =========================================
``4mg/day``                       ``4 | mg | / | day``
``15 smg/day``                    ``15 | smg | / | day`` (typo kept, a unit)
``300mg/14``                      ``300 | mg | / | 14``
``20mg/12h``                      ``20 | mg | / | 12 | h``
``0.5mg/kg/day``                  ``0.5 | mg | / | kg | / | day``
``1030cells/10^9/L``              ``1030 | cells | / | 10 | ^ | 9 | / | L``
``87.6U/L``                       ``87.6 | U | / | L``
``15%–20%``, ``3–43``             ``15 | % | – | 20 | %``, ``3 | – | 43``
``p<0.05``, ``SALT≤20``           ``p | < | 0.05``, ``SALT | ≤ | 20``
``DLQI/CDLQI``                    ``DLQI | / | CDLQI`` (upper-case words)
``ergotamine/caffeine``           ``ergotamine | / | caffeine`` (two names)
``globally.1 Its``                ``globally | . | 1 | Its`` (glued reference)
``methotrexate-induced``          ``methotrexate | - | induced`` (also ``METH-treated``,
                                  ``paclitaxel-eluting``, ``anxiety-like``)
``EASI-75``, ``pp-NRS``, ``q12h``  one token each (scispacy keeps other hyphens)
``i.v.``, ``b.i.d.``, ``p.o.``    one token each (special cases)
================================  =========================================

A "/" is split only next to a digit, before a unit or time word, between upper-case
letters or between two words of three letters or more, so "and/or" stays one token.
Whitespace other than single spaces (tabs, newlines) stays in whitespace tokens, as in
spaCy; offsets are spaCy's, hence exact.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from types import SimpleNamespace
from typing import cast

import spacy
from scispacy.consts import ABBREVIATIONS
from scispacy.custom_tokenizer import combined_rule_prefixes, combined_rule_tokenizer
from spacy.language import Language
from spacy.symbols import ORTH
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex
from spacy.vocab import Vocab

from extractor.nlp.extensions import TEXT_KEY

# Units that may be glued to a number ("4mg", "12h", "106fL", "15%"); split before them.
_GLUED_UNITS = (
    "mg|mgs|smg|g|kg|µg|μg|mcg|ug|ng|mL|ml|dL|dl|L|IU|U|units?|mmol|µmol|μmol|mEq|meq"
    "|cells|fL|pg|h|hr|hrs|d|wk|wks|weeks?|days?|months?|mo|years?|yrs?|y|min|cm|mm|m²|m2|%"
)
# Words after which (or before which) a "/" belongs to a quantity ("mg/kg", "/day").
_SLASH_WORDS = (
    "mg|g|kg|µg|μg|mcg|ug|ng|mL|ml|dL|dl|L|IU|U|m²|m2|h|hr|hrs|d|day|days|wk|wks|week|weeks"
    "|month|months|mo|year|years|y|dose|doses|min|24h"
)

# Words that follow a drug or disease name after a hyphen ("cisplatin-induced",
# "paclitaxel-eluting", "anxiety-like"): the corpora annotate the name alone.
_DRUG_SUFFIX_WORDS = (
    "induced|related|associated|emergent|attributed|dependent|treated|pretreated|based"
    "|containing|mediated|exposed|resistant|refractory|intolerant|naive|naïve|free|loaded"
    "|like|specific|devoid|supplemented|eluting|sensitive|inducing|prone|affected|causing"
    "|derived|deficient|sparing|infused|untreated"
)

_EXTRA_INFIXES = [
    # a number glued to a unit: "4mg" -> "4" "mg"; not inside names like "q12h" or "IL4R"
    rf"(?<=[0-9])(?<![A-Za-z][0-9])(?<![A-Za-z][0-9]{{2}})(?=(?:{_GLUED_UNITS})(?![A-Za-z]))",
    r"(?<=[0-9])/",  # "300mg/14", "9/L"
    r"/(?=[0-9])",  # "/12h", "cells/10"
    rf"/(?=(?:{_SLASH_WORDS})(?![A-Za-z]))",  # "mg/day", "mg/kg"
    r"(?<=[A-Z])/(?=[A-Z])",  # "DLQI/CDLQI"
    # two names glued by a slash ("ergotamine/caffeine", "BZDs/RDs"); "and/or" keeps its
    # slash (a word of two letters)
    r"(?<=[A-Za-z]{3})/(?=[A-Za-z]{3})",
    r"(?<=[0-9%])[–—−‒-](?=[0-9])",  # ranges "3–43", "15%–20%"
    r"[<>≤≥]=?|(?<=[A-Za-z0-9])=",  # comparisons "p<0.05", "SALT≤20", "P=.003"
    r"(?<=[a-z]{2})\.(?=[0-9]{1,3}$)",  # glued reference number "globally.1"
    # "methotrexate-induced", "METH-induced", "(BHA)-treated": the drug must be its own
    # token for the lexicon, the NER model and relations
    rf"(?<=[A-Za-z0-9)\]])-(?=(?:{_DRUG_SUFFIX_WORDS})\b)",
]

# Comparison signs opening a token ("<0.05").
_EXTRA_PREFIXES = ["<=", ">=", "<", ">", "≤", "≥"]

# Dotted abbreviations kept whole so that the sentence splitter and the patterns see them.
SPECIAL_ABBREVIATIONS = (
    "i.v.", "I.V.", "i.m.", "I.M.", "s.c.", "S.C.", "p.o.", "P.O.", "b.i.d.", "B.I.D.",
    "t.i.d.", "T.I.D.", "q.i.d.", "Q.I.D.", "q.d.", "Q.D.", "q.o.d.", "o.d.", "approx.",
    "Approx.", "vs.", "e.g.", "i.e.", "cf.", "ca.", "resp.", "incl.",
)


class TextKeepingTokenizer(Tokenizer):
    """spaCy's Tokenizer that also keeps the text it was given on the Doc (under
    ``extensions.TEXT_KEY`` in ``doc.user_data``), where ``extensions.doc_text`` finds it:
    spaCy's ``Doc.text`` rebuilds the text from every token on each read."""

    def __call__(self, string: str) -> Doc:
        doc = super().__call__(string)
        doc.user_data[TEXT_KEY] = string
        return doc


def build_tokenizer(nlp: Language) -> Tokenizer:
    """scispacy's combined rule tokenizer for ``nlp`` with the quantity splits above, made on
    ``nlp``'s own vocabulary."""
    with warnings.catch_warnings():
        # scispacy's prefix classes trigger a harmless "possible set union" FutureWarning
        warnings.simplefilter("ignore", FutureWarning)
        template = _scispacy_template(nlp.Defaults.token_match)
        infix_re = compile_infix_regex(_scispacy_infixes() + _EXTRA_INFIXES)
        prefix_re = compile_prefix_regex(_EXTRA_PREFIXES + combined_rule_prefixes())
    rules = dict(nlp.Defaults.tokenizer_exceptions)
    rules.update({a: [{ORTH: a}] for a in ABBREVIATIONS})  # scispacy's ("Fig.", "al.")
    rules.update({a: [{ORTH: a}] for a in SPECIAL_ABBREVIATIONS})
    return TextKeepingTokenizer(
        nlp.vocab,
        rules=rules,
        prefix_search=prefix_re.search,
        suffix_search=template.suffix_search,
        infix_finditer=infix_re.finditer,
        token_match=template.token_match,
        url_match=template.url_match,
    )


def _scispacy_template(token_match: Callable[[str], object] | None) -> Tokenizer:
    """scispacy's combined rule tokenizer, whose suffix rules (not exposed otherwise) and
    matchers :func:`build_tokenizer` takes.

    scispacy's builder reads only ``nlp.vocab``, ``nlp.Defaults.tokenizer_exceptions`` and
    ``nlp.tokenizer.token_match``, and ``nlp.tokenizer`` does not exist yet while spaCy
    builds a pipeline from a config. So it gets a stand-in with the token matcher a blank
    pipeline of the language would have and no exceptions (the template's are not used):
    a throwaway blank pipeline and two loads of ~1,400 special cases cost ~0.4 s of every
    start-up.
    """
    stand_in = SimpleNamespace(vocab=Vocab(),
                               Defaults=SimpleNamespace(tokenizer_exceptions={}),
                               tokenizer=SimpleNamespace(token_match=token_match))
    return combined_rule_tokenizer(cast(Language, stand_in))


def _scispacy_infixes() -> list[str]:
    """The infix patterns of scispacy's combined_rule_tokenizer (not exposed by scispacy)."""
    from spacy.lang import char_classes as cc

    hyphens = cc.HYPHENS.replace("-|", "", 1)
    return [
        *cc.LIST_ELLIPSES,
        *cc.LIST_ICONS,
        r"×",
        r"(?<=[0-9])[+\-\*^](?=[0-9-])",
        rf"(?<=[{cc.ALPHA_LOWER}])\.(?=[{cc.ALPHA_UPPER}])",
        rf"(?<=[{cc.ALPHA}]),(?=[{cc.ALPHA}])",
        rf'(?<=[{cc.ALPHA}])[?";:=,.]*(?:{hyphens})(?=[{cc.ALPHA}])',
        rf'(?<=[{cc.ALPHA}"])[:<>=](?=[{cc.ALPHA}])',
    ]


@spacy.registry.tokenizers("extractor.tokenizer.v1")
def create_tokenizer() -> Callable[[Language], Tokenizer]:
    """Registered factory (config: ``@tokenizers = "extractor.tokenizer.v1"``)."""
    return build_tokenizer
