"""Findings: which arm did better on which outcome, and the sentence or table cell that says so."""
