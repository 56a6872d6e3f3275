"""Evaluation helpers shared by benchmarks and tests (metrics, gold-standard loaders)."""
