"""Validation: part of kafaat.contacts.services (see its __init__)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.registry.normalise import clean_name, normalise_phone

NAME_FIELDS = ("first_name_latin", "last_name_latin", "first_name_ar", "last_name_ar")
EDITABLE_FIELDS = (
    *NAME_FIELDS,
    "sex",
    "territory",
    "organisation",
    "organisation_name",
    "organisation_type",
    "position",
    "sector",
    "establishment",
    "is_trainer",
    "is_expert",
    "home_institution",
    "country",
    "email",
    "phone",
    "languages",
    "preferred_language",
    "consent_to_contact",
    "consent_date",
    "external_id",
)
LANGUAGE_CODES = ("fr", "ar", "en", "es", "amz")


def phone_or_none(text: str) -> str | None:
    try:
        return normalise_phone(text)
    except ValueError:
        return None


def clean_contact_data(data: dict[str, Any]) -> dict[str, Any]:
    """The contact's fields checked and normalised; ValidationError by field, in the user's language."""
    cleaned = dict(data)
    errors: dict[str, list[str]] = {}
    for field in NAME_FIELDS:
        if field in cleaned:
            cleaned[field] = clean_name(cleaned[field] or "")
    if not any(cleaned.get(field) for field in NAME_FIELDS):
        errors["last_name_latin"] = [_("Give at least one name, in Latin or Arabic script.")]
    if "phone" in cleaned:
        raw = (cleaned["phone"] or "").strip()
        if raw:
            try:
                cleaned["phone"] = normalise_phone(raw)
            except ValueError as error:
                errors["phone"] = [_("This is not a phone number: %(reason)s.") % {"reason": error}]
        else:
            cleaned["phone"] = ""
    if "email" in cleaned:
        email = (cleaned["email"] or "").strip().lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors["email"] = [_("This is not an e-mail address.")]
        cleaned["email"] = email
    if cleaned.get("consent_to_contact") and not cleaned.get("consent_date"):
        errors["consent_date"] = [_("Give the date the contact agreed to be contacted.")]
    consent_date = cleaned.get("consent_date")
    if isinstance(consent_date, date) and consent_date > timezone.localdate():
        errors["consent_date"] = [_("The date of consent cannot be in the future.")]
    if "languages" in cleaned:
        languages = list(dict.fromkeys(cleaned["languages"] or []))
        unknown = [code for code in languages if code not in LANGUAGE_CODES]
        if unknown:
            errors["languages"] = [_("Unknown language codes: %(codes)s.") % {"codes": ", ".join(unknown)}]
        cleaned["languages"] = languages
    if "country" in cleaned:
        country = (cleaned["country"] or "MA").strip().upper()
        if len(country) != 2 or not country.isalpha():
            errors["country"] = [_("Give the country as a two-letter ISO code (MA, ES, FR…).")]
        cleaned["country"] = country
    if errors:
        raise ValidationError(errors)
    return cleaned
