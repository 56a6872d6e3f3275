"""The ``validate --html`` page: per-label scores as bars, and every error in its sentence.

Built from the dict :func:`extractor.evaluate.validate.validate` returns. False negatives
(gold mentions the predictions missed) and false positives (predicted mentions not in gold)
are grouped by document and sentence and shown side by side: the gold side marks what was
missed, the predicted side what was wrongly found, so a label confusion (same span, other
label) shows as one mark on each side. Everything from the documents is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from extractor.report.assets import page
from extractor.report.pages import filter_bar, ordered_labels

MAX_SENTENCES = 2000  # beyond this the page gets slow; the full lists are in --json


def _bar(kind: str, value: float) -> str:
    width = max(0.0, min(1.0, value)) * 100
    return (f'<td class="bar-cell"><div class="bar {kind}"><span style="width:{width:.1f}%">'
            f"</span><b>{value:.3f}</b></div></td>")


def _scores(title: str, rows: Mapping[str, Any], section: str) -> list[str]:
    """A card with a P/R/F1 bar row per label (then micro and macro) of ``rows``."""
    html = [f'<section class="card" id="{section}"><h2>{escape(title)}</h2>'
            '<div class="scroll"><table class="data bars"><thead><tr><th>label</th>'
            '<th class="num">tp</th><th class="num">fp</th><th class="num">fn</th>'
            "<th>precision</th><th>recall</th><th>F1</th><th>F1 95% CI</th></tr></thead><tbody>"]
    for name, row in rows.items():
        if not isinstance(row, dict) or "precision" not in row:
            continue
        ci = row.get("ci95")
        counts = "".join(f'<td class="num">{escape(str(row.get(k, "")))}</td>'
                         for k in ("tp", "fp", "fn"))
        swatch = ("" if name in ("micro", "macro") else
                  f'<span class="swatch" data-label="{escape(name)}"></span> ')
        html.append(f'<tr data-label="{escape(name)}"><td>{swatch}{escape(name)}</td>{counts}'
                    + _bar("p", row["precision"]) + _bar("r", row["recall"])
                    + _bar("f", row["f1"])
                    + f"<td>{f'{ci[0]:.3f}–{ci[1]:.3f}' if ci else ''}</td></tr>")
    html.append("</tbody></table></div></section>")
    return html


def _placed(sentence: str, items: Sequence[Mapping[str, Any]]
            ) -> tuple[list[tuple[int, Mapping[str, Any]]], list[Mapping[str, Any]]]:
    """Offsets in ``sentence`` of each error (same spacing as in the document), and the
    errors that could not be placed or overlap one already placed."""
    if not items:
        return [], []
    items = sorted(items, key=lambda e: (e["start"], -e["end"]))
    first = items[0]
    anchor = sentence.find(first["text"])
    while anchor >= 0:
        if all(sentence.startswith(e["text"], anchor + e["start"] - first["start"])
               for e in items):
            break
        anchor = sentence.find(first["text"], anchor + 1)
    placed: list[tuple[int, Mapping[str, Any]]] = []
    left: list[Mapping[str, Any]] = []
    end = 0
    for e in items:
        at = (anchor + e["start"] - first["start"] if anchor >= 0
              else sentence.find(e["text"], end))
        if at < end or not e["text"] or not sentence.startswith(e["text"], at):
            left.append(e)
        else:
            placed.append((at, e))
            end = at + len(e["text"])
    return placed, left


def _side(sentence: str, items: Sequence[Mapping[str, Any]], kind: str) -> str:
    """``sentence`` with ``items`` marked (escaped), then the ones that could not be."""
    placed, left = _placed(sentence, items)
    html, pos = [], 0
    for at, e in placed:
        label = escape(str(e["label"]))
        html.append(escape(sentence[pos:at], quote=False))
        html.append(f'<mark class="mention {kind}" data-label="{label}" data-negated="false" '
                    f'title="{kind}: {label}">{escape(e["text"], quote=False)}</mark>')
        pos = at + len(e["text"])
    html.append(escape(sentence[pos:], quote=False))
    extra = "".join(f'<div class="note">also {escape(str(e["label"]))}: '
                    f'“{escape(e["text"], quote=False)}”</div>' for e in left)
    return f'<div class="sentence">{"".join(html)}</div>{extra}'


def _errors(result: Mapping[str, Any]) -> list[str]:
    groups: dict[tuple[str, str], dict[str, list[Mapping[str, Any]]]] = {}
    for kind, key in (("fn", "false_negatives"), ("fp", "false_positives")):
        for e in result.get(key, []):
            sides = groups.setdefault((str(e["document"]), str(e["sentence"])),
                                      {"fn": [], "fp": []})
            sides[kind].append(e)
    n_fp, n_fn = len(result.get("false_positives", [])), len(result.get("false_negatives", []))
    html = [f'<section class="card" id="errors"><h2>Errors in context: {n_fn} false '
            f"negative(s), {n_fp} false positive(s) in {len(groups)} sentence(s)</h2>"
            '<p class="note">Exact matching: same span and label. Left, the gold mentions the '
            "predictions missed; right, the predicted mentions gold does not have.</p>"]
    for (doc, sentence), sides in list(groups.items())[:MAX_SENTENCES]:
        html.append(f'<div class="errgroup" data-document="{escape(doc)}">'
                    f'<div class="errdoc">{escape(doc)}</div><div class="pair">'
                    f'<div class="gold"><h4>Gold · missed ({len(sides["fn"])})</h4>'
                    f'{_side(sentence, sides["fn"], "fn")}</div>'
                    f'<div class="pred"><h4>Predicted · spurious ({len(sides["fp"])})</h4>'
                    f'{_side(sentence, sides["fp"], "fp")}</div></div></div>')
    if len(groups) > MAX_SENTENCES:
        html.append(f'<p class="note">{len(groups) - MAX_SENTENCES} more sentence(s) not '
                    "shown: write them all with --json.</p>")
    html.append("</section>")
    return html


def _other(result: Mapping[str, Any]) -> list[str]:
    """Concepts, relations, negation and record fields, when the result has them."""
    html: list[str] = []
    for section in ("concepts", "relations"):
        rows = result.get(section) or {}
        if "skipped" in rows:
            html.append(f'<p class="note">{section}: skipped ({escape(str(rows["skipped"]))})'
                        "</p>")
        elif rows:
            html += _scores(section.capitalize(), rows, section)
    neg = result.get("negation") or {}
    if neg.get("accuracy") is not None:
        html.append(f'<p class="note">Negation accuracy {neg["accuracy"]:.3f} on '
                    f'{neg["pairs"]} overlap-matched mentions.</p>')
    records = result.get("records") or {}
    if records:
        html.append('<section class="card" id="records"><h2>Record fields</h2>'
                    '<table class="data"><thead><tr><th>field</th><th class="num">correct</th>'
                    '<th class="num">total</th><th>accuracy</th></tr></thead><tbody>')
        html += [f"<tr><td>{escape(k)}</td><td class='num'>{r['correct']}</td>"
                 f"<td class='num'>{r['total']}</td>{_bar('f', r['accuracy'])}</tr>"
                 for k, r in records.items()]
        html.append("</tbody></table></section>")
    return html


def validation_page(result: Mapping[str, Any], title: str = "Validation") -> str:
    """The HTML page of a validation result (see :func:`extractor.evaluate.validate.validate`)."""
    docs = result.get("documents", {})
    labels = [k for k, v in result.get("mentions", {}).items()
              if k not in ("micro", "macro") and isinstance(v, dict)]
    counts = {label: 0 for label in ordered_labels(labels)}
    for e in [*result.get("false_negatives", []), *result.get("false_positives", [])]:
        counts[str(e["label"])] = counts.get(str(e["label"]), 0) + 1
    body = [f'<header class="top"><h1>{escape(title)}</h1><p class="meta">'
            f"<span>{docs.get('gold', 0)} gold document(s)</span>"
            f"<span>{docs.get('pred', 0)} predicted</span>"
            f"<span>{docs.get('paired', 0)} paired</span>"
            f"<span>{len(docs.get('unpaired_pred', []))} prediction(s) without gold</span>"
            "</p></header>", *filter_bar(counts, None), "<main>",
            *_scores("Mentions, exact span and label", result.get("mentions", {}), "exact"),
            *_scores("Mentions, any overlap", result.get("mentions_overlap", {}), "overlap"),
            *_other(result), *_errors(result), "</main>"]
    return page(title, body, body_class="validation")


def write_validation_page(result: Mapping[str, Any], path: str | Path,
                          title: str = "Validation") -> Path:
    """Write :func:`validation_page` of ``result`` to ``path``; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(validation_page(result, title), encoding="utf-8")
    return path
