from kafaat.registry.tests.conftest import fatima, project  # noqa: F401  (shared fixtures)
from kafaat.training.tests.conftest import sectors, supply  # noqa: F401  (the training catalogue)
