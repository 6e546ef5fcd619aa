"""The kinds of file the registry imports (people, pathway steps): the entry point of pages and commands."""

from __future__ import annotations

from kafaat.core.imports import Column, ImportSpec
from kafaat.core.models import Organisation
from kafaat.registry.imports.columns import PEOPLE_COLUMNS
from kafaat.registry.imports.people import PeopleImport
from kafaat.registry.imports.steps import STEP_COLUMNS, StepsImport

KINDS = ("people", "steps")


def spec_for(kind: str, user, organisation: Organisation, **options) -> ImportSpec:
    """The import of `kind` for a user acting for an organisation (PermissionDenied if they may not)."""
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    if kind == "people":
        options.pop("project", None)
        return PeopleImport(user, organisation, **options)
    return StepsImport(user, organisation, **options)


def columns_for(kind: str) -> tuple[Column, ...]:
    return PEOPLE_COLUMNS if kind == "people" else STEP_COLUMNS
