"""Tests of the pure analytics package (metrics, reconciliation, report)."""
