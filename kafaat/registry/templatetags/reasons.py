"""`{% load reasons %}` `{{ candidate.agreed|reasons }}`: what agreed between two records, in the reader's
language ("prénom : identique ; date de naissance : identique"), from the keys the linkage stores."""

from __future__ import annotations

from django import template
from django.utils import translation

from kafaat.registry.dedup.reasons import describe_all

register = template.Library()

SEPARATOR = {"ar": "؛ "}  # the Arabic semicolon; "; " elsewhere


@register.filter
def reasons(keys) -> str:
    language = (translation.get_language() or "fr")[:2]
    return SEPARATOR.get(language, "; ").join(describe_all(keys))
