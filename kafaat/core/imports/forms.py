"""The base of the import pages' upload forms: a CSV or XLSX file within the app's size limit, and the
organisation the rows are for, chosen among those the user may import for (preselected when only one)."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SPREADSHEET_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class SpreadsheetUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (CSV or XLSX)"))
    max_upload_bytes = MAX_UPLOAD_BYTES
    too_large = gettext_lazy("The file is larger than 20 MB: split it.")

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in SPREADSHEET_SUFFIXES:
            raise forms.ValidationError(_("Upload a CSV or XLSX file."))
        if upload.size > self.max_upload_bytes:
            raise forms.ValidationError(self.too_large)
        return upload


def offer_organisations(form: forms.Form, organisations: QuerySet) -> None:
    """The organisation field's choices, the only one preselected."""
    form.fields["organisation"].queryset = organisations
    if organisations.count() == 1:
        form.fields["organisation"].initial = organisations.first()
