"""The demo's log-in password, shared by every demo loader (moved down from demo.py: demo_training sets it
too, and demo.py imports demo_training)."""

DEMO_PASSWORD = "Kafaat-demo-2026"  # noqa: S105 — printed on purpose: demo data only
