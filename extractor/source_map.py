"""The map from a Document's text back to the characters of its source file.

Parsers reflow what they read (lines are joined, runs of blanks collapse to one space,
invisible characters drop, ligatures expand, site chrome is left out), so an offset into
``Document.text`` is not an offset into the file. Gold written on the file (a brat ``.ann``
beside a ``.txt``) needs the file's offsets, so a Document keeps the map compactly as
*anchors*: ``[text_offset, source_offset]`` pairs at each point where the shift between the
two changes. A text offset maps with the last anchor at or before it:
``source = offset + (anchor_source - anchor_text)``. No anchors mean the identity (the text
is the file's text, or the format has no character-level source, as XML and PDF).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence

Anchor = tuple[int, int]

# What the parsers' inline normalization changes (parsers.builder.normalize_inline): these
# characters vanish, and these ligatures become two or three letters.
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
              "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"}


def align(piece: str, raw: str) -> list[int]:
    """For each character of ``piece`` (normalized text), the index in ``raw`` it came from.

    Greedy and monotone: a letter maps to its next occurrence in ``raw``; a blank maps to
    the start of the blank run it collapsed (or, where ``raw`` has none, the next letter's
    place, e.g. a cell separator); a ligature's letters all map to the ligature. A letter
    ``raw`` does not have maps where the search stands, so one odd character cannot shift
    the rest.
    """
    out: list[int] = []
    p = 0
    i = 0
    while i < len(piece):
        while p < len(raw) and raw[p] in _INVISIBLE:
            p += 1
        ch = piece[i]
        if ch.isspace():
            out.append(p)
            while p < len(raw) and (raw[p].isspace() or raw[p] in _INVISIBLE):
                p += 1
            i += 1
            continue
        expansion = _LIGATURES.get(raw[p]) if p < len(raw) else None
        if expansion and piece.startswith(expansion, i):
            out.extend([p] * len(expansion))
            p += 1
            i += len(expansion)
            continue
        found = raw.find(ch, p)
        if found < 0:
            out.append(p)
        else:
            out.append(found)
            p = found + 1
        i += 1
    return out


def compress(pairs: Iterable[Anchor]) -> list[Anchor]:
    """Anchors from ``(text_offset, source_offset)`` pairs in text order: one pair where the
    shift changes; none when the shift is zero throughout (the identity)."""
    anchors: list[Anchor] = []
    shift = 0
    for text_at, source_at in pairs:
        if source_at - text_at != shift:
            shift = source_at - text_at
            anchors.append((text_at, source_at))
    return anchors


def to_source(anchors: Sequence[Sequence[int]], offset: int) -> int:
    """The source offset of text offset ``offset``."""
    k = bisect_right([a[0] for a in anchors], offset) - 1
    return offset if k < 0 else offset + anchors[k][1] - anchors[k][0]


def span_to_source(anchors: Sequence[Sequence[int]], start: int, end: int) -> tuple[int, int]:
    """The source span of text span ``[start, end)``; the end maps through its last
    character, so a span ending where the shift changes (a collapsed line break, a
    ligature) still ends right after its own last character."""
    if not anchors:
        return start, end
    first = to_source(anchors, start)
    last = to_source(anchors, end - 1) + 1 if end > start else first
    return first, max(first, last)
