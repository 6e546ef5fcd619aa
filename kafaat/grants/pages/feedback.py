"""What the grants pages share: a refusal or a form's errors shown as a message (every part uses it)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def refusal(request, error: ValidationError) -> None:
    messages.error(request, " ".join(str(m) for m in error.messages))


def form_errors(request, form) -> None:
    texts = [
        f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errs)}".lstrip(": ")
        for name, errs in form.errors.items()
    ]
    messages.error(request, " ".join(texts) or _("Check the form."))
