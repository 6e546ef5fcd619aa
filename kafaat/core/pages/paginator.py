"""A paginator that stops counting: for searches whose matches may run into the tens of thousands."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most `cap` rows; `capped` says that there are more (the page must say so).

    Counting every person whose name holds a common syllable costs as much as finding them all, for a number
    nobody pages through: the count reads `cap + 1` rows at most, and the pages stop at `cap`.
    """

    def __init__(self, object_list, per_page, *, cap: int = 1000, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def counted(self) -> int:
        rows = self.object_list
        if isinstance(rows, QuerySet):
            return rows.order_by()[: self.cap + 1].count()  # which rows are counted does not matter: no sort
        return len(rows[: self.cap + 1])

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)

    @property
    def capped(self) -> bool:
        return self.counted > self.cap
