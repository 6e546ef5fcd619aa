"""How people appear on pages, the same everywhere:

{% load people %}
{{ person|person_name }} → the Latin name, else the Arabic one, isolated (<bdi>) so that either script
                           sits right in a page of the other, and marked as data (translate="no", as
                           core/templatetags/text.py's `data` filter does); "—" when the record has neither
{{ person.nationality|country }} → "Sénégal", in the page's language
{% stage_bar stage %} → the person's stage on the pathway, compact, with its text for screen readers;
{% stage_bar stage full=True %} names every stage (the person's page)
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from kafaat.core.l10n import countries

register = template.Library()
NOTHING = "—"


@register.filter
def person_name(person) -> str:
    latin, arabic = person.name_latin, person.name_ar
    if latin:
        return format_html('<bdi translate="no">{}</bdi>', latin)
    if arabic:
        return format_html('<bdi lang="ar" translate="no">{}</bdi>', arabic)
    return NOTHING


@register.filter
def country(code: str) -> str:
    return countries.name(code) if code else NOTHING


@register.inclusion_tag("registry/_stage_bar.html")
def stage_bar(stage, full: bool = False) -> dict:
    return {"stage": stage, "full": full}
