from kafaat.registry.tests.conftest import fatima, project  # noqa: F401  (shared fixtures)
