from kafaat.contacts.tests.conftest import gtr  # noqa: F401 — the personas both apps' tests share
