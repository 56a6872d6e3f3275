"""Site chrome in page dumps: menus, share buttons, cookie prompts, counters, copyright lines.

Rules are generic (English and Spanish publisher vocabulary, shapes of menus) and
conservative: a line that reads like a sentence of prose is only dropped when it matches the
chrome vocabulary as a whole, never because of where it stands.
"""

from __future__ import annotations

import re
from collections import Counter

# Whole-line chrome (after stripping bullets); case-insensitive.
_CHROME_LINE = re.compile(
    r"""^(?:
      (?:accept|allow|reject|decline|manage)(?:\s+all)?(?:\s+cookies)?
    | cookies?(?:\s+(?:settings|policy|preferences))?
    | (?:privacy|cookie)\s+(?:policy|notice|settings)
    | terms\s+(?:of\s+(?:use|service)|and\s+conditions)
    | subscribe(?:\s+now)?|sign\s*(?:in|up|out)|log\s*(?:in|out)|register|my\s+account
    | share(?:\s+(?:this|on\s+\w+))?(?:\s+(?:article|page|post))?
    | facebook|twitter|linkedin|whatsapp|pinterest|reddit|e-?mail|print|x
    | related(?:\s+(?:videos?|articles?|content|posts?|stories|links))?
    | recommended(?:\s+(?:articles?|reading|for\s+you))?
    | (?:download|view|descargar|ver)\s+(?:the\s+)?(?:pdf|article|full\s+text|citation|epub)
    | (?:show|read|see|view|load|ver|leer)\s+(?:more|less|all|más|menos)
    | advertisement|publicidad|skip\s+to\s+(?:main\s+)?content|back\s+to\s+top
    | menu|search|home|next\s+article|previous\s+article|cite\s+this(?:\s+article)?
    | (?:article\s+)?(?:metrics|permissions|tools|options)|full\s+text
    | (?:tables?|figures?|tablas|figuras)(?:\s*\(\d+\))?
    | (?:image|photo|picture)\s+credit\b.*|.*\|\s*(?:image|photo)\s+credit\b.*
    | (?:copyright\b|©|\(c\)\s*\d{4}).*|all\s+rights\s+reserved\.?
    | corresponding\s+author\.?|autor(?:a)?\s+para\s+correspondencia
    | información\s+de\s+la\s+revista|información\s+del\s+artículo
    | (?:acceso\s+a\s+)?texto\s+completo|estadísticas|idiomas|languages?|herramientas
    | opciones\s+(?:de|del)\s+artículo|este\s+artículo\s+ha\s+recibido
    | compartir|imprimir|suscr[ií]b[ae]se|iniciar\s+sesión|aceptar|rechazar
    | (?:(?:es|en|fr|de|it|pt|ca|nl|zh|ja|ru|pl)\b\s*){2,12}
    | .*\b(?:health(?:care)?\s+professional|profesional\s+sanitario)\b.*\?
    | do\s+not\s+sell\s+(?:or\s+share\s+)?my\s+(?:personal\s+)?info(?:rmation)?
    | .*\bcookies\b.*\b(?:accept|consent|manage|settings|preferences)\b.*
    | .*\b(?:accept|consent\s+to)\b.*\bcookies\b.*
    )$""",
    re.I | re.X,
)
# Counter labels whose value follows on the next line ("Visitas" / "205").
_COUNTER = re.compile(r"^(?:visitas|views|downloads|descargas|citations|citas|shares)$", re.I)
_NUMERIC = re.compile(r"^[\d.,\s]+[kKmM]?$")
_EMAIL = re.compile(r"^\S+@\S+\.\w+$")
_BULLET = re.compile(r"^\s*(?:[•·▪◦‣*–-]|\d+\.|\[\d+\])\s*")
_SENTENCE_END = re.compile(r"[.!?:;,]['\"”’)]*$")
# A menu item: a few words, no sentence punctuation.
_MENU_MAX_CHARS = 50
_MENU_MAX_WORDS = 6


def _core(line: str) -> str:
    """The line without leading bullets, NBSP or surrounding blanks."""
    return _BULLET.sub("", line.replace("\u00a0", " ")).strip()


# "Related Content" and the like head a widget of links to other pages.
_RELATED = re.compile(r"^(?:related|recommended|more\s+from|you\s+may\s+also\s+like|trending"
                      r"|most\s+(?:read|viewed|popular)|artículos\s+relacionados)\b", re.I)


def is_chrome_line(line: str) -> bool:
    """True for a line that is site chrome on its own (vocabulary, e-mail, navigation bar)."""
    core = _core(line)
    return bool(core) and bool(_CHROME_LINE.match(core) or _EMAIL.match(core)
                               or _nav_bar(core))


def _nav_bar(core: str) -> bool:
    """"English | Español | Français": 3+ short items separated by bars."""
    items = [x.strip() for x in core.split("|")]
    return len(items) >= 3 and all(
        0 < len(x) <= 40 and len(x.split()) <= 4 and not _SENTENCE_END.search(x) for x in items)


def _menu_like(line: str) -> bool:
    core = _core(line)
    return (0 < len(core) <= _MENU_MAX_CHARS and len(core.split()) <= _MENU_MAX_WORDS
            and not _SENTENCE_END.search(core))


def chrome_lines(lines: list[str], protected: set[int], title: int | None = None,
                 known: set[int] | None = None, menus: bool = True) -> set[int]:
    """Indexes of the lines to drop as chrome; ``protected`` lines (tables, title) are kept.

    ``known`` are lines the caller already knows to be chrome (e.g. a list of tables that
    repeats a caption); ``menus=False`` keeps runs of short lines (only vocabulary goes).
    ``title`` (index of the article title, if known) lets short runs of menu items before it
    go with less evidence: navigation comes before the article.
    """
    drop: set[int] = set(known or ())
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    free = [i for i in nonblank if i not in protected]
    for k, i in enumerate(free):
        if is_chrome_line(lines[i]):
            drop.add(i)
        # A counter label ("Visitas") and the bare number after it.
        if _COUNTER.match(_core(lines[i])) and k + 1 < len(free):
            nxt = free[k + 1]
            if _NUMERIC.match(lines[nxt].strip()):
                drop.update((i, nxt))
    drop |= _related_widgets(lines, free, drop)
    # Short lines repeated three times or more are widget captions ("1 expert is featured").
    counts = Counter(_core(lines[i]).lower() for i in free)
    for i in free:
        core = _core(lines[i])
        if len(core) < 80 and counts[core.lower()] >= 3:
            drop.add(i)
    if menus:
        keep = protected | ({title} if title is not None else set())
        drop |= _menu_runs(lines, nonblank, keep, drop, title)
    return drop


def _menu_runs(lines: list[str], nonblank: list[int], keep: set[int], drop: set[int],
               title: int | None) -> set[int]:
    """Menu items: runs of short unpunctuated lines, among which chrome lines may stand.

    A run is chrome when it is long (5+ items), when chrome lines outnumber its items two to
    one, or when it comes before the title with a chrome line or a second item; a run right
    after a line ending with ":" is a list of the article, not a menu.
    """
    out: set[int] = set()
    wrapped = is_wrapped(lines)
    items: list[int] = []
    n_chrome = 0
    prev_text = ""
    for i in [*nonblank, -1]:
        if i >= 0 and i not in keep and (i in drop or _menu_item(lines, i, drop, wrapped)):
            if i in drop:
                n_chrome += 1
            else:
                items.append(i)
            continue
        if items and not prev_text.rstrip().endswith(":"):
            before_title = title is not None and items[-1] < title
            if (len(items) >= 5 or n_chrome >= 2 * len(items)
                    or (before_title and (n_chrome or len(items) >= 2))):
                out.update(items)
        if i >= 0:
            items, n_chrome, prev_text = [], 0, lines[i]
    return out


def _menu_item(lines: list[str], i: int, drop: set[int], wrapped: bool) -> bool:
    """A menu-like line that does not belong to the text around it.

    A short line glued to the longer line above it ends that block (the journal line of a
    reference); one followed by prose introduces it ("To the Editor,").
    """
    if not _menu_like(lines[i]):
        return False
    above = lines[i - 1] if i > 0 else ""
    if above.strip() and i - 1 not in drop and not _menu_like(above):
        return False
    below = next((j for j in range(i + 1, len(lines)) if lines[j].strip()), None)
    return below is None or not is_prose(paragraph_at(lines, below, wrapped))


_PROSE_END = re.compile(r"[.!?]['\"”’)\]]*$")


def is_prose(text: str) -> bool:
    """Running text: long, or a full sentence of some length (not a menu, label or heading)."""
    core = text.strip()
    return len(core) >= 200 or (len(core) >= 80 and bool(_PROSE_END.search(core)))


def is_wrapped(lines: list[str]) -> bool:
    """Whether the text is hard-wrapped (paragraphs span lines) rather than a page dump
    (one line per paragraph): wrapped text has many long-ish lines and almost no very long
    ones."""
    lengths = [len(line.strip()) for line in lines if len(line.strip()) >= 40]
    if len(lengths) < 3:
        return False
    return sum(n > 160 for n in lengths) <= 0.05 * len(lengths)


def paragraph_at(lines: list[str], j: int, wrapped: bool, max_lines: int = 40) -> str:
    """Line ``j``, with the lines after it up to a blank line when the text is wrapped."""
    if not wrapped:
        return lines[j].strip()
    out = []
    for line in lines[j:j + max_lines]:
        if not line.strip():
            break
        out.append(line.strip())
    return " ".join(out)


def _related_widgets(lines: list[str], free: list[int], drop: set[int]) -> set[int]:
    """The links under a "Related ..." label: short lines up to the next blank line."""
    out: set[int] = set()
    for i in free:
        if i not in drop or not _RELATED.match(_core(lines[i])):
            continue
        for j in range(i + 1, len(lines)):
            core = _core(lines[j])
            if not core or not (len(core) <= 60 or (len(core) <= 120
                                                     and not _SENTENCE_END.search(core))):
                break
            out.add(j)
    return out
