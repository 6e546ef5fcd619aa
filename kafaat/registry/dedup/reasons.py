"""What agreed between two records, in the reader's language.

The linkage stores each reason as a stable key, "<comparison>: <level>" ("first name: same", "birth date:
day/month swapped"): the candidates table, the API and the duplicate file keep those keys, and pages show
them through `describe`, which translates both halves. A key this module does not know (a comparison added
to the model later) is shown as it is rather than dropped.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

FIELDS = {
    "first name": gettext_lazy("first name"),
    "last name": gettext_lazy("family name"),
    "birth date": gettext_lazy("date of birth"),
    "phone": gettext_lazy("phone"),
    "id number": gettext_lazy("identity number"),
    "sex": gettext_lazy("sex"),
    "place": gettext_lazy("place of residence"),
    "address": gettext_lazy("address"),
    "postcode": gettext_lazy("postcode"),
}

# The level labels of linkage.AGREEMENT_LABELS. "same" agrees with the field in French and Arabic, so it is
# told apart by context.
LEVELS = {
    "same": pgettext_lazy("what agreed", "same"),
    "swapped": pgettext_lazy("what agreed", "first and last names swapped"),
    "same first word": pgettext_lazy("what agreed", "same first word"),
    "similar": pgettext_lazy("what agreed", "similar"),
    "close": pgettext_lazy("what agreed", "close"),
    "same without ben/el": pgettext_lazy("what agreed", "same without ben/el"),
    "day/month swapped": pgettext_lazy("what agreed", "day and month swapped"),
    "one digit apart": pgettext_lazy("what agreed", "one digit apart"),
    "same year (age only)": pgettext_lazy("what agreed", "same year (age only)"),
    "year ±1 (age only)": pgettext_lazy("what agreed", "year ±1 (age only)"),
    "same year": pgettext_lazy("what agreed", "same year"),
    "same (same family name and commune)": pgettext_lazy(
        "what agreed", "same (same family name and commune)"
    ),
    "same (same family name)": pgettext_lazy("what agreed", "same (same family name)"),
    "one character apart": pgettext_lazy("what agreed", "one character apart"),
    "same commune": pgettext_lazy("what agreed", "same commune"),
    "same province": pgettext_lazy("what agreed", "same province"),
}


def describe(reason: str) -> str:
    """ "first name: same" → "prénom : identique" (fr), "الاسم الشخصي: متطابق" (ar)."""
    field, separator, level = reason.partition(": ")
    if not separator or field not in FIELDS or level not in LEVELS:
        return reason
    return gettext("%(field)s: %(level)s") % {"field": FIELDS[field], "level": LEVELS[level]}


def describe_all(reasons: Iterable[str] | None) -> list[str]:
    return [describe(reason) for reason in reasons or () if reason]
