"""Deterministic synthetic data for Kafaat: Moroccan programme participants, generated without a database."""
