"""The HTML review report: every extraction shown at its source, offline, in any browser.

``write_report(source, dest)`` writes ``index.html`` and one page per document; the
``validate --html`` page is :func:`extractor.report.validation.validation_page`.
"""

from extractor.report.build import build_report, write_report

__all__ = ["build_report", "write_report"]
