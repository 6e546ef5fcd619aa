"""Names of people and organisations never store bidirectional controls, whichever way they are written."""

from __future__ import annotations

from django import forms

from kafaat.core.l10n.text import strip_bidi_controls
from kafaat.core.models import Organisation

RLO, LRE, PDF, LRI, PDI = "\u202e", "\u202a", "\u202c", "\u2066", "\u2069"
LRM, RLM, ALM = "\u200e", "\u200f", "\u061c"


def test_every_embedding_override_and_isolate_is_removed_and_the_arabic_marks_are_kept():
    controls = "".join(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
    assert strip_bidi_controls(f"{controls}Sa{RLO}lma{PDF}") == "Salma"
    assert strip_bidi_controls(f"سلمى{RLM} ({LRM}A{ALM})") == f"سلمى{RLM} ({LRM}A{ALM})"
    assert strip_bidi_controls("") == ""


def test_an_organisation_name_is_cleaned_when_created_updated_in_bulk_or_through_a_form(make_organisation):
    organisation = make_organisation(
        "ngo-spoof", "02.411", name_fr=f"Association {RLO}lanigiro", acronym=f"{LRI}A{PDI}"
    )
    organisation.refresh_from_db()
    assert (organisation.name_fr, organisation.acronym) == ("Association lanigiro", "A")
    Organisation.objects.filter(pk=organisation.pk).update(name_ar=f"جمعية{LRE} الأمل{PDF}")
    assert Organisation.objects.get(pk=organisation.pk).name_ar == "جمعية الأمل"
    clone = Organisation(code="ngo-bulk", type=organisation.type, territory=organisation.territory)
    clone.name_fr = f"{RLO}Bulk"
    Organisation.objects.bulk_create([clone])
    assert Organisation.objects.get(code="ngo-bulk").name_fr == "Bulk"

    class OrganisationForm(forms.ModelForm):
        class Meta:
            model = Organisation
            fields = ["name_fr"]

    form = OrganisationForm({"name_fr": f"{RLO}Formulaire"}, instance=organisation)
    assert form.is_valid()
    form.save()
    organisation.refresh_from_db()
    assert organisation.name_fr == "Formulaire"
