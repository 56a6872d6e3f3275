"""Dropping page chrome (navigation, banners, widgets, reference lists) and finding the article.

Chrome is recognised by tag (``nav``, ``script``), ARIA role, and class/id *words* that
clearly name chrome (``cookie-notice``, ``breadcrumb``, ``share``). Class names are a weak
signal, so a guard keeps any element that holds most of the page's paragraph text: a
container called ``article-tabs`` that wraps the whole article is never removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from extractor.parsers.html_meta import attr

# Never content: removed wherever they are.
JUNK_TAGS = frozenset({
    "script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "canvas",
    "select", "textarea", "input", "button", "option", "link", "meta", "audio", "video",
    "map", "area", "source", "track", "picture", "img",
})
# Usually chrome, but some sites wrap the whole page in them (ASP.NET in a <form>): guarded.
CHROME_TAGS = frozenset({"nav", "aside", "footer", "form", "menu", "dialog"})
CHROME_ROLES = frozenset({
    "navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar",
    "toolbar", "dialog", "alertdialog", "tablist", "tab", "doc-toc",
})
# Whole words of a class or id ("cookie-notice" -> cookie, notice) that name chrome. Words
# that also name article parts ("search" strategy, "social" history, "comments") are not here.
CHROME_WORDS = frozenset({
    "nav", "navbar", "navigation", "menu", "menubar", "breadcrumb", "breadcrumbs",
    "footer", "masthead", "sidebar", "cookie", "cookies", "consent", "gdpr",
    "share", "sharing", "related", "recommended", "recommendations", "metrics",
    "altmetric", "altmetrics", "download", "downloads", "toolbar", "skip", "skiplink",
    "advert", "advertisement", "ads", "promo", "newsletter", "signup", "login", "subscribe",
    "pagination", "pager", "toc", "tabs", "modal", "popup", "banner", "crossmark",
})
# Whole class/id values: headers are chrome only when the name says it is the site's.
CHROME_NAMES = re.compile(
    r"^(?:(?:site|page|global|top|main)[-_]?header|header|header[-_].*|"
    r"element-invisible|sr-only|visually-?hidden|screen-?reader-(?:text|only)|"
    r"skip-?links?|author-?notes?-?links?)$"
)
REFERENCE_NAMES = re.compile(
    r"^(?:ref[-_]?list|reference[-_]?list|references?|bibliography|reflist|"
    r"citation[-_]list|back-?refs?)(?:[-_]?\d+)?$"
)
REFERENCE_WORDS = frozenset({"references", "bibliography", "reflist"})
REFERENCE_TITLES = re.compile(
    r"^\s*(?:\d+\.?\s*)?(?:references?|bibliography|literature cited|works cited|"
    r"references and notes)\s*$",
    re.I,
)
_CONTAINERS = ["div", "section", "article", "main", "center", "body"]
_BLOCKISH = frozenset({
    "div", "p", "section", "article", "ul", "ol", "dl", "table", "figure", "blockquote",
    "header", "footer", "nav", "aside", "hr", "br", "h1", "h2", "h3", "h4", "h5", "h6",
})
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SPLIT = re.compile(r"[^a-z0-9]+")
# Elements with these names are content even when a class word looks like chrome
# (<h2 class="section-nav-title">, <th class="download">).
_NEVER_BY_CLASS = frozenset(HEADINGS) | {
    "p", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "figcaption",
    "sup", "sub", "i", "b", "em", "strong", "title", "body", "html",
}
# Name values a converter uses for the article container: never chrome.
ROOT_NAMES = re.compile(
    r"^(?:content|main|main-?content|article|article-?body|articlebody|fulltext|full-?text|"
    r"article-?full-?text|article-?content|body|post-?content|entry-?content)$"
)


def names(tag: Tag) -> list[str]:
    """The element's class values and id, lower-cased (plus the ``tag=`` of converters)."""
    out = attr(tag, "class").lower().split()
    for key in ("id", "tag", "data-type", "epub:type"):
        value = attr(tag, key).strip().lower()
        if value:
            out.append(value)
    return out


def words(tag: Tag) -> set[str]:
    """Words of the element's class/id names (``cookie-notice_box`` -> cookie, notice, box)."""
    return {w for name in names(tag) for w in _SPLIT.split(name) if w}


@dataclass
class Stats:
    """Text measures of one element, computed for all elements in one pass (no quadratic
    re-scans of deep pages): characters of text, of link text, of paragraph text, and the
    number of links, direct list items and ``<h1>`` inside."""

    text: int = 0
    linked: int = 0
    para: int = 0
    links: int = 0
    items: int = 0
    h1: int = 0


def measure(top: Tag) -> dict[int, Stats]:
    """``Stats`` of ``top`` and every element under it, keyed by ``id(element)``."""
    stats: dict[int, Stats] = {}
    stack: list[tuple[Tag, bool]] = [(top, False)]
    while stack:
        node, children_done = stack.pop()
        kids = [c for c in node.children if isinstance(c, Tag)]
        if not children_done:
            stack.append((node, True))
            stack.extend((c, False) for c in kids)
            continue
        own = sum(len(c.strip()) for c in node.children if type(c) is NavigableString)
        st = Stats(text=own)
        for kid in kids:
            k = stats[id(kid)]
            st.text += k.text
            st.linked += k.linked
            st.para += k.para
            st.links += k.links
            st.h1 += k.h1
            st.items += kid.name == "li"
        if node.name == "a":
            st.linked, st.links = st.text, st.links + 1
        elif node.name == "p":
            st.para = st.text
        elif node.name == "h1":
            st.h1 += 1
        stats[id(node)] = st
    return stats


def _is_reference_list(tag: Tag) -> bool:
    if attr(tag, "role") == "doc-bibliography":
        return True
    return any(REFERENCE_NAMES.match(n) for n in names(tag)) or bool(
        words(tag) & REFERENCE_WORDS)


def _is_chrome(tag: Tag, st: Stats) -> bool:
    """Whether the tag alone says it is chrome (the caller applies the size guard)."""
    if tag.name in CHROME_TAGS or attr(tag, "role").lower() in CHROME_ROLES:
        return True
    if tag.has_attr("hidden") or attr(tag, "aria-hidden").lower() == "true":
        return True
    if _HIDDEN_STYLE.search(attr(tag, "style")):
        return True
    if tag.name in _NEVER_BY_CLASS:
        return False
    tag_names = names(tag)
    if any(ROOT_NAMES.match(n) for n in tag_names):
        return False
    by_name = tag.name == "header" or bool(words(tag) & CHROME_WORDS) or any(
        CHROME_NAMES.match(n) for n in tag_names)
    # Whatever its class says, the block holding the article's <h1> title is not chrome.
    return by_name and not st.h1


def _is_link_list(tag: Tag, st: Stats) -> bool:
    """A list whose items are (almost) only links: a table of contents, tabs, tool links."""
    return (tag.name in ("ul", "ol", "menu") and st.items >= 2 and st.text > 0
            and st.linked / st.text >= 0.8)


def _is_link_box(tag: Tag, st: Stats) -> bool:
    """A short box that is mostly links ("View this table: popup | inline", "Previous
    section | Next section")."""
    return (tag.name in ("div", "span", "section") and st.links >= 2
            and 0 < st.text <= 200 and st.linked / st.text >= 0.5)


def _is_stray_link(tag: Tag) -> bool:
    """A short link standing alone between blocks ("View Abstract", "Back to top")."""
    if tag.name != "a" or tag.parent is None or tag.parent.name not in _CONTAINERS:
        return False
    for siblings in (tag.previous_siblings, tag.next_siblings):
        for sibling in siblings:
            if isinstance(sibling, Comment) or (
                    isinstance(sibling, NavigableString) and not sibling.strip()):
                continue
            # Running text or inline markup beside the link: it is part of a sentence.
            if isinstance(sibling, NavigableString) or (
                    isinstance(sibling, Tag) and sibling.name not in _BLOCKISH):
                return False
            break
    return len(tag.get_text(strip=True)) <= 40


def remove_chrome(soup: BeautifulSoup, keep: set[int]) -> None:
    """Decompose chrome elements in place; elements whose ``id()`` is in ``keep`` stay.

    ``keep`` holds the table captions and footnotes found beforehand, so that a
    ``<div class="table-footer">`` under a table is not taken for the page footer.
    """
    junk = [el for el in soup.find_all(list(JUNK_TAGS)) if isinstance(el, Tag)]
    junk_ids = {id(el) for el in junk}
    _decompose([el for el in junk if id(el) not in keep
                and not any(id(p) in junk_ids for p in el.parents)])
    stats = measure(soup)
    total = stats[id(soup)].para or 1
    doomed: set[int] = set()
    chosen: list[Tag] = []
    for el in soup.find_all(True):  # document order: an element before its descendants
        if not isinstance(el, Tag) or id(el) in keep:
            continue
        if el.parent is not None and id(el.parent) in doomed:
            doomed.add(id(el))
            continue
        st = stats[id(el)]
        if _is_reference_list(el):
            remove = st.para <= 0.8 * total
        else:
            remove = (_is_chrome(el, st) or _is_link_list(el, st) or _is_link_box(el, st)
                      or _is_stray_link(el)) and st.para <= 0.5 * total
        if remove:
            doomed.add(id(el))
            chosen.append(el)
    _decompose(chosen)
    _decompose(_reference_sections(soup))


def _decompose(elements: list[Tag]) -> None:
    # Callers pass no element that lies inside another one passed: decomposing an element
    # whose ancestor is already gone would touch a cleared object.
    for el in elements:
        el.decompose()


def _reference_sections(soup: BeautifulSoup) -> list[Tag]:
    """A 'References' heading and what follows it up to the next heading."""
    out: list[Tag] = []
    taken: set[int] = set()
    for heading in soup.find_all(list(HEADINGS)):
        if not isinstance(heading, Tag) or not REFERENCE_TITLES.match(heading.get_text()):
            continue
        if id(heading) in taken or any(id(p) in taken for p in heading.parents):
            continue
        out.append(heading)
        taken.add(id(heading))
        for sibling in heading.find_next_siblings():
            if not isinstance(sibling, Tag) or sibling.name in HEADINGS or sibling.find(
                    list(HEADINGS)) is not None:
                break
            out.append(sibling)
            taken.add(id(sibling))
    return out


def choose_root(soup: BeautifulSoup) -> Tag | None:
    """The element that holds the article: a semantic container if it holds most of the
    paragraph text, else the smallest container holding 80% of it (text density)."""
    body = soup.find("body")
    top: Tag = body if isinstance(body, Tag) else soup
    stats = measure(top)
    use_para = stats[id(top)].para > 0  # pages without <p> are weighed by all their text

    def weigh(tag: Tag) -> int:
        st = stats[id(tag)]
        return st.para if use_para else st.text

    total = weigh(top)
    if not total:
        return None
    groups = (
        top.find_all("article"),
        top.find_all(True, attrs={"role": "main"}) + top.find_all("main"),
        [t for t in top.find_all(True) if isinstance(t, Tag)
         and any(ROOT_NAMES.match(n) for n in names(t))],
    )
    for group in groups:
        scored = [(weigh(t), t) for t in group if isinstance(t, Tag)]
        if scored:
            weight, best = max(scored, key=lambda pair: pair[0])
            if weight >= 0.5 * total:
                return best
    node = top
    while True:
        # Descend through containers only: a lone <p> or <table> is part of the article.
        child = next((c for c in node.find_all(_CONTAINERS, recursive=False)
                      if isinstance(c, Tag) and weigh(c) >= 0.8 * total), None)
        if child is None:
            return node
        node = child
