"""The page shell every report page shares: inlined CSS and script, and a strict CSP.

Pages are self-contained: the stylesheet and script in ``static/`` are inlined, nothing is
fetched from the network, and a Content-Security-Policy lets only the report's own script
run (by its hash), so markup that slipped into an article could not execute even if it were
not escaped.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from html import escape

from extractor import resources


@cache
def _static(name: str) -> str:
    return resources.report_static(name)


@cache
def _csp() -> str:
    digest = hashlib.sha256(_static("report.js").encode("utf-8")).digest()
    script = "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"
    return (f"default-src 'none'; script-src {script}; style-src 'unsafe-inline'; "
            "img-src data:; base-uri 'none'; form-action 'none'")


def page(title: str, body: list[str], *, body_class: str = "") -> str:
    """A complete HTML page: ``title`` (escaped here) and ``body`` (already-escaped HTML)."""
    head = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{_csp()}\">"
        "<meta name=\"referrer\" content=\"no-referrer\">"
        f"<title>{escape(title)}</title><style>{_static('report.css')}</style></head>"
        f"<body class=\"{escape(body_class)}\">"
    )
    return "".join([head, *body, "<script>", _static("report.js"), "</script></body></html>\n"])
