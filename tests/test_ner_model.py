"""The shipped NER model (models/ner): size, load time, a score floor on development
sentences, its place in the pipeline, and `extractor train` on a user's own gold."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import cast

import pytest
from click.testing import CliRunner
from spacy.pipeline import EntityRecognizer

from extractor.batch.version import pipeline_version
from extractor.cli import main
from extractor.errors import ExtractorError
from extractor.evaluate.mentions import Mention, evaluate_mentions
from extractor.formats import GoldDocument
from extractor.nlp.ner import MODEL_DIR, ModelNer, load_components, load_scispacy
from extractor.nlp.resolve import model_keys
from tests.conftest import partial_nlp, shared_path

# Measured on these samples (exact micro F1 over the corpus's own labels): PHEE 0.637,
# ADE 0.744, BC5CDR 0.766 (models/README.md has the full development scores); the floors
# sit 3-4 points below, so a broken rebuild or integration fails loudly.
FLOORS = {"phee": 0.60, "ade": 0.71, "bc5cdr": 0.73}
LABELS = {"phee": ("DRUG", "DOSE", "ROUTE", "FREQUENCY", "DURATION", "ADVERSE_EVENT"),
          "ade": ("DRUG", "ADVERSE_EVENT", "DOSE"), "bc5cdr": ("DRUG", "CONDITION")}
GOLD_LABELS = {"Chemical": "DRUG", "Disease": "CONDITION"}


def _model_mentions(texts: list[str]) -> list[list[Mention]]:
    nlp = partial_nlp()
    ner = ModelNer(load_components(MODEL_DIR), {})
    docs = list(ner.pipe(nlp.make_doc(t) for t in texts))
    return [[Mention(label, d[s].idx, d[e - 1].idx + len(d[e - 1]))
             for s, e, label in sorted(model_keys(d) or ())] for d in docs]


def _sample(corpus: str) -> list[GoldDocument]:
    shared_path("corpora")
    from extractor.train.corpora import read_split

    docs = read_split(corpus, "dev")
    if corpus == "ade":
        docs = [d for d in docs if d.entities]
    return docs[:40] if corpus == "bc5cdr" else docs[:200]


def test_committed_model_is_small_and_loads_fast() -> None:
    size = sum(p.stat().st_size for p in MODEL_DIR.rglob("*") if p.is_file())
    assert size <= 30 * 1024 * 1024
    t0 = time.perf_counter()
    models = load_components(MODEL_DIR)
    assert time.perf_counter() - t0 < 2.0
    assert [name for name, _ in models] == ["joint"]


@pytest.mark.parametrize("corpus", ["phee", "ade", "bc5cdr"])
def test_model_floor_on_dev_sample(corpus: str) -> None:
    docs = _sample(corpus)
    preds = _model_mentions([d.text for d in docs])
    gold = {d.id: [Mention(GOLD_LABELS.get(e.label, e.label), e.start, e.end)
                   for e in d.entities] for d in docs}
    # BC5CDR's diseases are conditions and adverse events alike
    rename = {"ADVERSE_EVENT": "CONDITION"} if corpus == "bc5cdr" else {}
    pred = {d.id: [Mention(rename.get(m.label, m.label), m.start, m.end) for m in p]
            for d, p in zip(docs, preds, strict=True)}
    f1 = evaluate_mentions(gold, pred, LABELS[corpus]).micro().f1
    assert f1 >= FLOORS[corpus], f"{corpus}: exact micro F1 {f1:.3f}"


def test_pipeline_adds_model_candidates() -> None:
    nlp = partial_nlp("extractor_lexicon", "extractor_model_ner", "extractor_resolve")
    doc = nlp("She was given 40 mg of atorvastatin daily and developed myalgia.")
    found = {f for s in doc.spans["candidates"] for f in s._.found_by}
    assert any(f.startswith("model:") for f in found)
    assert "atorvastatin" in {e.text for e in doc.ents if e.label_ == "DRUG"}


def _found_by(*options: str) -> set[str]:
    text = "She was given 40 mg of atorvastatin daily and developed myalgia."
    result = CliRunner().invoke(main, ["extract", *options, "-"], input=text)
    assert result.exit_code == 0, result.output
    return {f for m in json.loads(result.output)["mentions"] for f in m["found_by"]}


def test_model_is_on_by_default_and_off_with_rules_only() -> None:
    assert any(f.startswith("model:") for f in _found_by())
    assert any(f.startswith("model:") for f in _found_by("--ner"))  # older scripts' flag
    rules = _found_by("--rules-only")
    assert rules and not any(f.startswith("model:") for f in rules)
    # a rules-only batch is another pipeline version: switching redoes its files
    assert pipeline_version(ner=False) == pipeline_version() + "+rules"


def test_missing_scispacy_model_is_a_clear_error() -> None:
    with pytest.raises(ExtractorError, match="not installed"):
        load_scispacy("en_ner_bc5cdr_md")
    result = CliRunner().invoke(main, ["extract", "--model", "en_ner_bc5cdr_md", "-"],
                                input="Nausea after cisplatin.")
    assert result.exit_code == 1
    assert "en_ner_bc5cdr_md" in result.output and "not installed" in result.output


# --- training on a user's own gold (invented sentences) -------------------------------

_SENTENCES = [
    ("Patient A received ibuprofen and reported dizziness.", "ibuprofen", "dizziness"),
    ("After metformin the second patient had diarrhoea.", "metformin", "diarrhoea"),
    ("Headache followed the first dose of nifedipine.", "nifedipine", "Headache"),
    ("A rash appeared two days into amoxicillin therapy.", "amoxicillin", "rash"),
    ("Lisinopril was stopped because of a dry cough.", "Lisinopril", "dry cough"),
    ("The man on warfarin presented with gum bleeding.", "warfarin", "gum bleeding"),
]

_TINY_CFG = """
[training]
seed = 7
threads = 1
max_epochs = 2
patience = 2
dropout = 0.1
learn_rate = 0.001
batch_start = 2
batch_stop = 4
holdout_mod = 10
holdout_rest = 3

[model]
width = 16
depth = 1
window_size = 1
maxout_pieces = 2
hidden_width = 16
rows = [200, 50, 50, 50]

[corpora]

[components]
"""


def _brat_gold(folder: Path) -> None:
    folder.mkdir()
    for i, (text, drug, effect) in enumerate(_SENTENCES):
        (folder / f"doc{i}.txt").write_text(text, encoding="utf-8")
        d, e = text.index(drug), text.index(effect)
        (folder / f"doc{i}.ann").write_text(
            f"T1\tDRUG {d} {d + len(drug)}\t{drug}\n"
            f"T2\tADVERSE_EVENT {e} {e + len(effect)}\t{effect}\n", encoding="utf-8")


def _train(tmp_path: Path, out: str) -> Path:
    result = CliRunner().invoke(main, ["train", "--config", str(tmp_path / "tiny.cfg"),
                                       "--out", str(tmp_path / out),
                                       "--gold", str(tmp_path / "gold"), "--name", "mine"])
    assert result.exit_code == 0, result.output
    return tmp_path / out


def test_train_on_user_brat_gold_is_deterministic(tmp_path: Path) -> None:
    _brat_gold(tmp_path / "gold")
    (tmp_path / "tiny.cfg").write_text(_TINY_CFG, encoding="utf-8")
    first, second = _train(tmp_path, "m1"), _train(tmp_path, "m2")
    assert (first / "meta.json").is_file()
    (name, nlp1), = load_components(first)
    (_, nlp2), = load_components(second)
    assert name == "mine"
    ner1, ner2 = (cast(EntityRecognizer, m.get_pipe("ner")) for m in (nlp1, nlp2))
    assert sorted(ner1.labels) == ["ADVERSE_EVENT", "DRUG"]
    assert ner1.to_bytes() == ner2.to_bytes()
    text = "The woman on ibuprofen reported a rash."
    ents = [[(e.start, e.end, e.label_) for e in m(text).ents] for m in (nlp1, nlp2)]
    assert ents[0] == ents[1]


def test_train_reports_bad_config(tmp_path: Path) -> None:
    (tmp_path / "bad.cfg").write_text("[training]\nseed = 1\n[components]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["train", "--config", str(tmp_path / "bad.cfg"),
                                       "--out", str(tmp_path / "m")])
    assert result.exit_code == 1
    assert "nothing to train" in result.output


def test_train_with_static_vectors_shares_one_table(tmp_path: Path) -> None:
    _brat_gold(tmp_path / "gold")
    (tmp_path / "tiny.cfg").write_text(
        _TINY_CFG.replace("[corpora]", "[vectors]\ndims = 8\nrows = 20\nmin_count = 1\n"
                          "epochs = 2\n\n[corpora]"), encoding="utf-8")
    first, second = _train(tmp_path, "m1"), _train(tmp_path, "m2")
    # one table beside the components; theirs are empty
    assert (first / "vectors" / "vectors").is_file()
    assert (first / "mine" / "vocab" / "vectors").stat().st_size < 1024
    assert (first / "vectors" / "vectors").read_bytes() == \
        (second / "vectors" / "vectors").read_bytes()
    meta = json.loads((first / "meta.json").read_text(encoding="utf-8"))
    assert meta["vectors"]["shape"] == [20, 8]
    (_, nlp), = load_components(first)
    vectors = nlp.vocab.vectors
    assert vectors.shape == (20, 8)
    # keyed on LOWER: a capitalised word finds its row; every gold word has one (the
    # words beyond the 20 rows are mapped to their nearest kept row)
    doc = nlp.make_doc("Lisinopril and DIZZINESS")
    assert doc[0].has_vector and doc[2].has_vector
    assert (doc[0].vector == nlp.make_doc("lisinopril")[0].vector).all()
    assert len(vectors.key2row) > 20
    nlp("The woman on ibuprofen reported a rash.")  # the ner runs with the shared table


# --- how model spans meet the rules' (extractor/nlp/ner.py, extractor/nlp/resolve.py) ------

def test_model_span_gives_up_a_route_or_dose_at_its_edge() -> None:
    from spacy.tokens import Doc, Span

    text = "She took oral prednisolone 40 mg daily."
    nlp = partial_nlp("extractor_lexicon", "extractor_patterns")
    doc = nlp(text)
    predicted = Doc(doc.vocab, words=[t.text for t in doc],
                    spaces=[bool(t.whitespace_) for t in doc])
    predicted.ents = [Span(predicted, 2, 5, label="DRUG")]  # "oral prednisolone 40"
    ModelNer([], {})._add(doc, "test", predicted)
    assert sorted(model_keys(doc) or ()) == [(3, 4, "DRUG")]  # "prednisolone"


def test_model_span_loses_its_edge_whitespace() -> None:
    from spacy.tokens import Doc, Span

    nlp = partial_nlp()
    doc = nlp.make_doc("Allergies:\u00a0 eczema")
    assert any(t.is_space for t in doc)
    predicted = Doc(doc.vocab, words=[t.text for t in doc],
                    spaces=[bool(t.whitespace_) for t in doc])
    space = next(t.i for t in doc if t.is_space)
    predicted.ents = [Span(predicted, space, len(doc), label="CONDITION")]
    ModelNer([], {})._add(doc, "test", predicted)
    assert sorted(model_keys(doc) or ()) == [(space + 1, len(doc), "CONDITION")]


def test_rules_first_labels_beat_model_spans() -> None:
    from spacy.tokens import Span

    from extractor.nlp.extensions import MODEL_SPANS, add_candidate
    from extractor.nlp.resolve import choose_entities

    nlp = partial_nlp()
    doc = nlp.make_doc("Secondary failure of the JAK inhibitor occurred.")
    add_candidate(doc, Span(doc, 0, 2, label="OUTCOME"), "pattern:OUTCOME")
    add_candidate(doc, Span(doc, 0, 5, label="ADVERSE_EVENT"), "model:joint")
    doc.user_data[MODEL_SPANS] = [[0, 5, "ADVERSE_EVENT"]]
    first = choose_entities(doc, model_first=["ADVERSE_EVENT"])
    assert [(e.start, e.end, e.label_) for e in first] == [(0, 5, "ADVERSE_EVENT")]
    ruled = choose_entities(doc, model_first=["ADVERSE_EVENT"], rules_first=["OUTCOME"])
    assert [(e.start, e.end, e.label_) for e in ruled] == [(0, 2, "OUTCOME")]


def test_full_texts_are_left_to_the_rules() -> None:
    nlp = partial_nlp()
    ner = ModelNer(load_components(MODEL_DIR), {})
    sentence = "She developed myalgia after atorvastatin. "
    short, long, body = (nlp.make_doc(sentence), nlp.make_doc(sentence * 150),
                         nlp.make_doc(sentence))
    body._.sections = [(0, len(sentence), "results")]
    list(ner.pipe([short, long, body]))
    assert model_keys(short)  # an abstract or a sentence: the model runs
    assert model_keys(long) is None and model_keys(body) is None  # a full text: rules only
    assert model_keys(ner(nlp.make_doc(sentence * 150))) is None
    everywhere = ModelNer(load_components(MODEL_DIR), {}, full_text_chars=0)
    assert model_keys(everywhere(nlp.make_doc(sentence * 150)))
