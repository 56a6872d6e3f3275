"""Readers of gold annotations (brat standoff, ADE-Corpus-V2, PHEE) into one model.

Every reader returns :class:`~extractor.formats.gold.GoldDocument` objects; label maps in
``corpus/label_maps/`` turn corpus labels into the toolkit's (``DRUG``, ``DOSE`` ...).
"""

from extractor.formats.ade import read_ade
from extractor.formats.brat import parse_ann, read_brat, read_brat_dir, to_ann
from extractor.formats.gold import (
    LABELS,
    RELATION_TYPES,
    GoldDocument,
    GoldEntity,
    GoldRelation,
    LabelMap,
    apply_label_map,
)
from extractor.formats.phee import read_phee

__all__ = ["LABELS", "RELATION_TYPES", "GoldDocument", "GoldEntity", "GoldRelation",
           "LabelMap", "apply_label_map", "parse_ann", "read_ade", "read_brat",
           "read_brat_dir", "read_phee", "to_ann"]
