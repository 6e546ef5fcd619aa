"""Issue 14, "Words", in what every app shares: audit targets by name, complete Arabic plurals, charts
labelled for assistive technology in the page's language, names that say which language they are in."""

from __future__ import annotations

import re
from types import SimpleNamespace

import polib
import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from kafaat.core import audit
from kafaat.core.management.commands.compiletranslations import catalogue_dirs
from kafaat.core.models import AuditEvent
from kafaat.core.pages.charts import ProgressBar, progress_chart, render_svg

PLURALS = re.compile(r"nplurals=(\d+)")


@pytest.mark.parametrize(
    ("directory", "language"),
    [
        (d, lang)
        for d in catalogue_dirs()
        for lang in ("fr", "ar", "en")
        if (d / lang / "LC_MESSAGES" / "django.po").exists()
    ],
)
def test_every_plural_has_the_forms_its_language_counts(directory, language):
    """Arabic counts six forms (0, 1, 2, 3–10, 11–99, 100+): a message with two falls back to French for
    5293 ("5293 offres" on an Arabic page)."""
    catalogue = polib.pofile(str(directory / language / "LC_MESSAGES" / "django.po"))
    forms = int(PLURALS.search(catalogue.metadata["Plural-Forms"]).group(1))
    short = [e.msgid_plural for e in catalogue if e.msgid_plural and len(e.msgstr_plural) != forms]
    assert not short, short


VACANCIES = (
    "{% load i18n %}{% blocktrans count counter=n %}{{ counter }} vacancy{% plural %}{{ counter }} vacancies"
    "{% endblocktrans %}"
)


@pytest.mark.django_db
def test_an_arabic_vacancy_count_is_arabic_whatever_the_number():
    with translation.override("ar"):
        for n in (0, 1, 2, 7, 48, 5293):
            text = Template(VACANCIES).render(Context({"n": n}))
            assert "offre" not in text and "vacanc" not in text and re.search("[\u0600-\u06ff]", text), (
                n,
                text,
            )


@pytest.mark.parametrize(
    ("language", "person", "user"),
    [("fr", "Personne", "Utilisateur"), ("ar", "الشخص", "المستخدم"), ("en", "Person", "User")],
)
@pytest.mark.django_db
def test_audit_targets_are_named_not_labelled_as_the_program_names_them(
    client, world, language, person, user
):
    event = AuditEvent(target_type="registry.person", target_id="2113")
    with translation.override(language):
        assert event.target_label == person
        assert AuditEvent(target_type="auth.user").target_label.startswith(user)
        assert AuditEvent(target_type="observatory.gaps").target_label != "observatory.gaps"
    audit.record(audit.Action.VIEW, world["users"]["caseworker_a"], world["ngo_a"])
    client.force_login(world["users"]["admin_a"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("core:audit")).content.decode()
    assert "core.organisation" not in page and "auth.user" not in page


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_a_chart_is_one_image_labelled_in_the_pages_language(language):
    with translation.override(language):
        title = {"fr": "Progrès", "ar": "التقدم", "en": "Progress"}[language]
        svg = render_svg(progress_chart([ProgressBar("P1", 0.5, "5 / 10")], language=language, title=title))
    root = svg[: svg.index(">")]
    assert 'role="img"' in root and f'aria-label="{title}"' in root


def test_a_name_missing_in_the_readers_language_says_which_language_it_is_in():
    occupation = SimpleNamespace(
        label_fr="Mécaniciens et réparateurs de véhicules à moteur",
        label_ar="",
        label_en="Motor vehicle mechanics",
    )
    template = Template("{% load text %}{{ o|labelled }}|<option{{ o|lang_of }}>")
    with translation.override("ar"):
        rendered = template.render(Context({"o": occupation}))
    label = "Mécaniciens et réparateurs de véhicules à moteur"
    assert rendered == f'<span lang="fr" dir="ltr">{label}</span>|<option lang="fr" dir="ltr">'
    with translation.override("fr"):
        assert (
            template.render(Context({"o": occupation}))
            == "Mécaniciens et réparateurs de véhicules à moteur|<option>"
        )


def test_data_is_isolated_and_never_translated():
    rendered = Template("{% load text %}{{ name|data }}").render(Context({"name": "Naima <Harrak>"}))
    assert rendered == '<bdi translate="no">Naima &lt;Harrak&gt;</bdi>'
