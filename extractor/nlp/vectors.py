"""The NER components' static word vectors on disk (written by extractor/train/vectors.py).

Runtime code reads them from here, so loading the model never imports the training code.
"""

from __future__ import annotations

from pathlib import Path

from spacy.vectors import Vectors

VECTORS_DIR = "vectors"  # in the model folder, beside the components that share it


def load_vectors(path: Path) -> Vectors:
    """The vectors saved by :func:`extractor.train.vectors.save_vectors`."""
    return Vectors().from_disk(path, exclude=["strings"])
