"""Evidence records built from an EvidenceDocument's mentions, relations and text.

``study.build_records`` makes the study-level record; records for table rows (patients, arms)
come with the table-to-record work and plug in through ``study.table_records``.
"""

from extractor.records.study import build_records

__all__ = ["build_records"]
