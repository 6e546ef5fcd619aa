"""Template filters over `kafaat.core.l10n.formatting`, in the active language:

    {% load numbers %}
    {{ 1031|number }} → 1 031 · {{ 12.25|number:2 }} → 12,25 · {{ 9.7|percent }} → 9,7 %
    {{ 1000|capped_number:True }} → plus de 1 000 (a count that stopped at its cap; English "1,000+")
    {{ day|short_date }} → 07/12/2026 · {{ day|long_date }} → 7 décembre 2026 · {{ moment|short_datetime }}
    {% arrow %} → "→", or "←" on an Arabic page

`number` shows one decimal when the value has one (as floatformat:"-1"), a given number of places otherwise.
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from kafaat.core.l10n import formatting

register = template.Library()


@register.simple_tag
def arrow() -> str:
    """ "→", or "←" in a right-to-left language: from one thing to the next, the way the text reads."""
    return formatting.arrow()


@register.filter
def number(value, decimals: int | None = None) -> str:
    if value is None or value == "":
        return formatting.NOTHING
    if decimals is None:
        return formatting.format_number(value, decimals=1, trim=True)
    return formatting.format_number(value, decimals=int(decimals))


@register.filter
def capped_number(value, capped: bool = False) -> str:
    """A count that stops at a cap (core/pages/paginator.py, pathways/due.py): past it, "1,000+"."""
    if not capped:
        return number(value)
    return _("%(number)s+") % {"number": number(value)}


@register.filter
def percent(value, decimals: int = 1) -> str:
    """A percentage in points: 9.7 → 9,7 %."""
    if value is None or value == "":
        return formatting.NOTHING
    return formatting.format_percent(value, decimals=int(decimals))


@register.filter
def short_date(value) -> str:
    return formatting.format_date(value or None, style="short")


@register.filter
def long_date(value) -> str:
    return formatting.format_date(value or None, style="long")


@register.filter
def short_datetime(value) -> str:
    return formatting.format_datetime(value or None, style="short")


@register.filter
def long_datetime(value) -> str:
    return formatting.format_datetime(value or None, style="long")
