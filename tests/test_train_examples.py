"""Training examples for the joint NER model (extractor/train/examples.py): gold labels,
rule mentions masked or taught for the labels a corpus does not annotate, and BC5CDR's
induced diseases as adverse events. Invented sentences."""

from __future__ import annotations

import spacy

from extractor.formats.gold import GoldDocument, GoldEntity, GoldRelation
from extractor.train.examples import Conversion, ExampleMaker
from extractor.train.loop import tokenizer_nlp
from extractor.train.settings import CorpusOptions

LABELS = {"DRUG": "DRUG", "ADVERSE_EVENT": "ADVERSE_EVENT", "Chemical": "DRUG",
          "Disease": "CONDITION"}


def _entity(eid: str, label: str, text: str, word: str, ids: tuple[str, ...] = ()
            ) -> GoldEntity:
    start = text.index(word)
    return GoldEntity(eid, label, ((start, start + len(word)),), word, ids=ids)


def _tags(gold: GoldDocument, options: CorpusOptions) -> dict[str, str | None]:
    maker = ExampleMaker(tokenizer_nlp(), spacy.blank("en").vocab)
    example = maker.make(gold, LABELS, options, Conversion())
    return {t.text: tag for t, tag in zip(example.predicted, example.get_aligned_ner(),
                                          strict=True)}


TEXT = ("A woman with asthma took ibuprofen 400 mg twice daily for 3 weeks and "
        "developed a rash.")
GOLD = GoldDocument("1", TEXT, [_entity("T1", "DRUG", TEXT, "ibuprofen"),
                                _entity("T2", "ADVERSE_EVENT", TEXT, "rash")])


def test_gold_labels_without_options_and_the_rest_taught_as_outside() -> None:
    tags = _tags(GOLD, CorpusOptions())
    assert tags["ibuprofen"] == "U-DRUG" and tags["rash"] == "U-ADVERSE_EVENT"
    assert tags["asthma"] == "O" and tags["twice"] == "O"


def test_unannotated_rule_mentions_are_masked_or_taught_as_silver() -> None:
    tags = _tags(GOLD, CorpusOptions(mask=("FREQUENCY", "DURATION"), silver=("CONDITION",)))
    assert tags["asthma"] == "U-CONDITION"  # silver: the lexicon's condition, taught
    assert tags["twice"] is None and tags["weeks"] is None  # masked: neither O nor a label
    assert tags["ibuprofen"] == "U-DRUG" and tags["rash"] == "U-ADVERSE_EVENT"


def test_a_rule_mention_over_a_gold_entity_changes_nothing() -> None:
    tags = _tags(GOLD, CorpusOptions(mask=("DRUG", "CONDITION")))
    assert tags["ibuprofen"] == "U-DRUG"
    assert tags["asthma"] is None


def test_induced_disease_of_a_cid_relation_is_an_adverse_event() -> None:
    text = "Cisplatin caused nephrotoxicity in a boy with osteosarcoma."
    gold = GoldDocument("2", text, [
        _entity("T1", "Chemical", text, "Cisplatin", ("D002945",)),
        _entity("T2", "Disease", text, "nephrotoxicity", ("D007674",)),
        _entity("T3", "Disease", text, "osteosarcoma", ("D012516",))],
        [GoldRelation("R1", "CID", "D002945", "D007674", "concept")])
    tags = _tags(gold, CorpusOptions(induced_label="ADVERSE_EVENT"))
    assert tags["nephrotoxicity"] == "U-ADVERSE_EVENT"
    assert tags["osteosarcoma"] == "U-CONDITION" and tags["Cisplatin"] == "U-DRUG"
    assert _tags(gold, CorpusOptions())["nephrotoxicity"] == "U-CONDITION"
