"""What a step's free text names in the other apps' registers: the training catalogue's programme and the
labour registry's employer (docs/decisions/0022-nationality-and-catalogue-links.md).

The step form suggests each register's labels; the recording (form, API, import) links the one record a text
names, and keeps a text that names none as it is, to be matched (`Step.programme_to_match`,
`Step.employer_to_match`). Training and labour say how their records are named and found; the one place
pathways reads them is here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kafaat.core.models import Organisation
from kafaat.labour import services as labour
from kafaat.training import services as training

SUGGESTION_LIMIT = 20
SUGGESTED_FIELDS = ("programme", "employer_name")


class Catalogues:
    """The look-ups of one actor: one per step recorded from a page or the API, one per import."""

    def __init__(self, actor, organisation: Organisation | None = None) -> None:
        self.programmes = training.ProgrammeFinder(actor)
        self.employers = labour.EmployerFinder(actor, organisation)

    def links(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """The registers' records that the step's texts name (None: to be matched), for the texts given."""
        links: dict[str, Any] = {}
        if fields.get("programme"):
            links["training_programme"] = self.programmes.find(fields["programme"])
        if fields.get("employer_name"):
            links["employer"] = self.employers.find(fields["employer_name"])
        return links


def suggestions(actor, field: str, text: str = "") -> list[str]:
    """Labels to offer in a step's `programme` or `employer_name` field."""
    if field == "programme":
        return training.programme_suggestions(actor, text, SUGGESTION_LIMIT)
    if field == "employer_name":
        return labour.employer_suggestions(actor, text, SUGGESTION_LIMIT)
    raise ValueError(field)
