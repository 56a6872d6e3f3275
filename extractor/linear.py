"""Linear models over hashed binary features: the ADE sentence classifier
(extractor/nlp/ade_sentence.py) and the trial-findings models (extractor/findings/).

Features are strings hashed (CRC-32, stable across processes and platforms, unlike Python's
salted ``hash``) into ``2**bits`` columns; a row is binary and L2-normalized. One weight row
per class (one row for a binary model: the positive class); ``weights.npy`` is float16 and
``model.json`` holds the biases, the classes and what the model was trained on.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

WEIGHTS, META = "weights.npy", "model.json"


def hash_features(features: Iterable[str], bits: int) -> list[int]:
    """The sorted, distinct column indexes of ``features``."""
    mask = (1 << bits) - 1
    return sorted({zlib.crc32(f.encode("utf-8")) & mask for f in features})


def row_probability(weights: numpy.ndarray, bias: float, row: Sequence[int]) -> float:
    """P(positive) of one hashed row under a binary model's weight vector, without building
    a sparse matrix (the cheaper way to score a few rows): binary, L2-normalized, summed in
    float64."""
    z = float(weights[row].sum(dtype=numpy.float64)) / math.sqrt(len(row)) if row else 0.0
    return 1.0 / (1.0 + math.exp(-(z + bias)))


def feature_matrix(rows: Sequence[list[int]], bits: int) -> csr_matrix:
    """The binary, L2-normalized sparse matrix of hashed rows (as the model scores them)."""
    # scipy is imported here: the pipeline imports this module for hash_features alone
    from scipy.sparse import csr_matrix

    indptr = numpy.zeros(len(rows) + 1, dtype=numpy.int64)
    indptr[1:] = numpy.cumsum([len(r) for r in rows])
    indices = numpy.fromiter((i for r in rows for i in r), dtype=numpy.int64,
                             count=int(indptr[-1]))
    data = numpy.concatenate([numpy.full(len(r), 1.0 / max(len(r), 1) ** 0.5) for r in rows]
                             ) if rows else numpy.zeros(0)
    return csr_matrix((data, indices, indptr), shape=(len(rows), 1 << bits))


@dataclass
class HashedLinearModel:
    """Weights (classes x 2**bits), biases and class codes of a linear classifier."""

    weights: numpy.ndarray
    bias: numpy.ndarray
    classes: tuple[int, ...]
    bits: int
    info: dict[str, object] = field(default_factory=dict)
    _columns: numpy.ndarray | None = field(default=None, init=False, repr=False, compare=False)

    def decision(self, rows: Sequence[list[int]]) -> numpy.ndarray:
        """Raw scores, one row per input row and one column per weight row."""
        if self._columns is None:  # float32 once: converting per call costs more than scoring
            self._columns = numpy.ascontiguousarray(self.weights.T, dtype=numpy.float32)
        x = feature_matrix(rows, self.bits)
        return numpy.asarray(x @ self._columns) + self.bias

    def positive(self, rows: Sequence[list[int]]) -> numpy.ndarray:
        """P(positive) of each row for a binary model."""
        return 1.0 / (1.0 + numpy.exp(-self.decision(rows)[:, 0]))

    def probabilities(self, rows: Sequence[list[int]]) -> numpy.ndarray:
        """Class probabilities (softmax over the weight rows) of a multi-class model."""
        z = self.decision(rows)
        z = numpy.exp(z - z.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)

    def to_disk(self, path: str | Path) -> None:
        """Write ``weights.npy`` and ``model.json`` into the folder ``path``."""
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        numpy.save(folder / WEIGHTS, self.weights.astype(numpy.float16))
        meta = {"bias": [float(b) for b in self.bias], "classes": list(self.classes),
                "bits": self.bits, **self.info}
        (folder / META).write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n",
                                   encoding="utf-8")

    @classmethod
    def from_disk(cls, path: str | Path) -> HashedLinearModel:
        """Read a model folder written by :meth:`to_disk`."""
        folder = Path(path)
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
        bias, classes, bits = meta.pop("bias"), meta.pop("classes"), meta.pop("bits")
        weights = numpy.load(folder / WEIGHTS)
        if weights.shape != (len(bias), 1 << bits):
            raise ValueError(f"{folder}: {WEIGHTS} has shape {weights.shape}, expected "
                             f"({len(bias)}, {1 << bits})")
        return cls(weights, numpy.asarray(bias, dtype=numpy.float32), tuple(classes),
                   int(bits), meta)
