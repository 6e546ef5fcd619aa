"""Issue 14, "Words", on the results pages: measures by name (never their keys), "From" as the start of a
period (not "referring organisation"), and the IATI refusal in the reader's language."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from kafaat.results import forms
from kafaat.results.models import Indicator
from kafaat.results.tests.test_logframe_editing import logframe  # noqa: F401 — the shared fixture

KEY = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


@pytest.mark.parametrize(
    ("language", "name", "manual"),
    [
        ("fr", "Personnes inscrites", "manuel"),
        ("ar", "الأشخاص المسجلون", "يدوي"),
        ("en", "People registered", "manual"),
    ],
)
@pytest.mark.django_db
def test_a_measure_is_named_never_keyed(client, world, logframe, language, name, manual):  # noqa: F811
    with translation.override(language):
        assert Indicator.objects.get(code="REG").measure_label == name
        assert Indicator.objects.get(code="MAN").measure_label == manual
        choices = dict(forms.measure_choices())
    assert choices["employed_at_12_months"] and not KEY.search(str(choices["employed_at_12_months"]))
    client.force_login(world["users"]["manager"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("results:logframe", args=[logframe["project"].code])).content.decode()
    visible = re.sub(
        r"<[^>]+>", " ", re.sub(r'(?s)<(script|style)\b.*?</\1>|value="[^"]*"|id="[^"]*"', "", page)
    )
    assert name in visible and not KEY.search(visible), KEY.findall(visible)


@pytest.mark.parametrize(
    ("language", "start", "end", "referred_by"),
    [
        ("fr", "Du", "Au", "Orienté(e) par"),
        ("ar", "من", "إلى", "الجهة المُحيلة"),
        ("en", "From", "To", "From"),
    ],
)
def test_from_is_the_start_of_a_period_on_the_results_filter(language, start, end, referred_by):
    """One English word, two meanings: the results' date filter says "Du"/"من", the referral inbox
    "Orienté(e) par"/"الجهة المُحيلة" (each its own context); before, the filter read "Orienté(e) par"."""
    with translation.override(language):
        period = forms.PeriodForm()
        assert str(period.fields["start"].label) == start and str(period.fields["end"].label) == end
        assert translation.pgettext("referring organisation", "From") == referred_by
