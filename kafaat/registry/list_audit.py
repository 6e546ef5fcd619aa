"""Reads of lists in the audit log: one `list` event per response that shows people, with the ids shown.

A list page (people, caseload, referral inbox, duplicates, the registration form's matches panel) or an API
page records, once it knows which rows it shows, the exact count and the ids of the people on it, which list
it was and, for a search, what it searched by (phone, identity document, name), never the terms typed. An
empty search is recorded too: the search itself is a read of the registry.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest

from kafaat.core import audit
from kafaat.core.api_schema import Pages
from kafaat.core.models import AuditEvent
from kafaat.registry import services
from kafaat.registry.models import Person


def record_list(
    actor, person_ids: Iterable[int | None], *, shown: str, query: str = "", **details: Any
) -> AuditEvent:
    """The one event of a response that lists people: `shown` names the list (page or API path)."""
    ids = list(dict.fromkeys(pk for pk in person_ids if pk is not None))  # once each, in the order shown
    payload: dict[str, Any] = {"list": shown, **details}
    if query.strip():
        payload["search_by"] = services.search_kind(query.strip())
    return audit.record_bulk(audit.Action.LIST, actor, Person, ids, details=payload)


class AuditedPages(Pages):
    """The API's bounded page-number pagination, recording each page of people served as one `list` event.

    `person_field` is the attribute holding the person's id on the rows (`pk` for people, `person_id` for
    steps and referrals); `shown` names the list in the log. The search text, if any, is read from `q`.
    """

    def __init__(self, *, shown: str, person_field: str = "pk", **kwargs: Any) -> None:
        self.shown, self.person_field = shown, person_field
        super().__init__(**kwargs)

    def paginate_queryset(self, queryset, pagination, request: HttpRequest, **params: Any) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        items = list(page[self.items_attribute])  # the rows served, read once
        page[self.items_attribute] = items
        record_list(
            request.user,
            (getattr(item, self.person_field) for item in items),
            shown=self.shown,
            query=request.GET.get("q", ""),
            page=pagination.page,
        )
        return page
