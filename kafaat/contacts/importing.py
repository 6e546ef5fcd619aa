"""Importing contacts from a spreadsheet (a GTR's member list, an event's trainers, an expert roster).

Through the import framework: every row checked, nothing written while any row is bad. A row finds its
contact by external id first (the organisation's own id: re-importing the same file changes nothing), then by
a strong match in the importer's directory (same e-mail or phone, or the same names in both scripts): then the
row updates that contact — never a second entry for the same person. Otherwise it creates one.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kafaat.contacts import services
from kafaat.contacts.access_rules import CHANGE_CONTACTS
from kafaat.contacts.models import Contact, ContactSex, OrganisationType
from kafaat.core import access, audit
from kafaat.core.imports import Column, ImportSpec, Outcome, background
from kafaat.core.models import Organisation, Territory

IMPORT_JOB = "contacts.import"
KIND = "contacts"
_YES = {"1", "yes", "y", "true", "oui", "o", "x", "نعم"}
_NO = {"", "0", "no", "n", "false", "non", "لا"}

# key, French, Arabic, English headers, aliases
_HEADERS = (
    ("external_id", "Identifiant", "المعرف", "External id", "ID", "id externe"),
    ("first_name_latin", "Prénom", "الاسم الشخصي (لاتيني)", "First name", "prenom"),
    ("last_name_latin", "Nom", "الاسم العائلي (لاتيني)", "Last name", "nom de famille"),
    ("first_name_ar", "Prénom (arabe)", "الاسم الشخصي", "First name (Arabic)"),
    ("last_name_ar", "Nom (arabe)", "الاسم العائلي", "Last name (Arabic)"),
    ("sex", "Sexe", "الجنس", "Sex"),
    ("territory", "Territoire (code)", "رمز التراب", "Territory code", "territoire", "region"),
    ("organisation_type", "Type d'organisme", "نوع الهيئة", "Organisation type"),
    ("organisation_name", "Organisme", "الهيئة", "Organisation"),
    ("position", "Fonction", "الصفة", "Position"),
    ("sector", "Secteur (code)", "رمز القطاع", "Sector code", "secteur"),
    ("is_trainer", "Formateur", "مكون", "Trainer"),
    ("is_expert", "Expert", "خبير", "Expert"),
    ("home_institution", "Institution d'origine", "المؤسسة الأصلية", "Home institution"),
    ("country", "Pays", "البلد", "Country"),
    ("email", "Courriel", "البريد الإلكتروني", "E-mail", "email", "mail"),
    ("phone", "Téléphone", "الهاتف", "Phone", "tel", "gsm"),
    ("consent_date", "Date du consentement", "تاريخ الموافقة", "Consent date"),
)
_HELP = {
    "external_id": gettext_lazy(
        "Your own id for the contact: importing the file again updates the same contacts."
    ),
    "sex": gettext_lazy("F or M."),
    "territory": gettext_lazy("Region or province code (MA-02, 02.411…)."),
    "organisation_type": gettext_lazy("One of the codes listed."),
    "sector": gettext_lazy("A training sector code; empty when none."),
    "is_trainer": gettext_lazy("yes / no"),
    "is_expert": gettext_lazy("yes / no"),
    "country": gettext_lazy("Two-letter ISO code; MA when empty."),
    "consent_date": gettext_lazy("When the contact agreed to be contacted (YYYY-MM-DD); empty: no consent."),
}
CONTACT_COLUMNS = tuple(
    Column(
        key,
        {"fr": fr, "ar": ar, "en": en},
        tuple(aliases),
        key in ("sex", "territory", "organisation_type"),
        _HELP.get(key, ""),
        ", ".join(OrganisationType.values) if key == "organisation_type" else "",
    )
    for key, fr, ar, en, *aliases in _HEADERS
)
_TYPE_WORDS = {
    **{v: v for v in OrganisationType.values},
    **{str(label).lower(): v for v, label in OrganisationType.choices},
}


def _flag(value: Any, field: str, errors: dict[str, str]) -> bool:
    text = str(value if value is not None else "").strip().lower()
    if text in _YES:
        return True
    if text not in _NO:
        errors[field] = _("Write yes or no.")
    return False


def _day(value: Any, field: str, errors: dict[str, str]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        errors[field] = _("Write a date as YYYY-MM-DD.")
        return None


def parse_row(raw: dict) -> tuple[dict[str, Any], dict[str, str]]:
    """One row's fields and its errors by column (no database)."""
    errors: dict[str, str] = {}
    text = {key: str(raw.get(key) if raw.get(key) is not None else "").strip() for key, *_rest in _HEADERS}
    record: dict[str, Any] = {
        key: text[key]
        for key in (
            "external_id",
            *services.NAME_FIELDS,
            "organisation_name",
            "position",
            "home_institution",
            "email",
            "phone",
            "country",
        )
    }
    record["external_id"] = record["external_id"].removesuffix(".0")[:64]
    sex = text["sex"].upper()[:1]
    sex = {"H": "M", "ذ": "M", "أ": "F", "ا": "F"}.get(sex, sex)
    if sex not in ContactSex.values:
        errors["sex"] = _("Write F or M.")
    record["sex"] = sex
    organisation_type = _TYPE_WORDS.get(text["organisation_type"].lower())
    if organisation_type is None:
        errors["organisation_type"] = _("Unknown organisation type: use one of %(codes)s.") % {
            "codes": ", ".join(OrganisationType.values)
        }
    record["organisation_type"] = organisation_type or ""
    record["territory"], record["sector"] = text["territory"], text["sector"]
    record["is_trainer"] = _flag(raw.get("is_trainer"), "is_trainer", errors)
    record["is_expert"] = _flag(raw.get("is_expert"), "is_expert", errors)
    record["consent_date"] = _day(raw.get("consent_date"), "consent_date", errors)
    record["consent_to_contact"] = record["consent_date"] is not None
    record["country"] = record["country"] or "MA"
    try:
        cleaned = services.clean_contact_data(record)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault("last_name_latin" if field == "__all__" else field, messages[0])
    else:
        record = cleaned
    return record, errors


_COMPARED = (
    *services.NAME_FIELDS,
    "sex",
    "organisation_name",
    "organisation_type",
    "position",
    "is_trainer",
    "is_expert",
    "home_institution",
    "country",
    "email",
    "phone",
    "consent_to_contact",
    "consent_date",
)


class ContactImport(ImportSpec):
    kind = KIND
    columns = CONTACT_COLUMNS
    required_groups = (
        ("sex",),
        ("territory",),
        ("organisation_type",),
        ("first_name_latin", "last_name_latin", "first_name_ar", "last_name_ar"),
    )

    def __init__(self, user, organisation: Organisation, *, language: str = "fr", file_name: str = ""):
        if not services.keeping_organisations(user).filter(pk=organisation.pk).exists():
            raise PermissionDenied
        self.user, self.organisation, self.language, self.file_name = user, organisation, language, file_name
        self.directory = access.scoped(
            user, CHANGE_CONTACTS, Contact.objects.filter(merged_into__isnull=True)
        )
        self.territories: dict[str, Territory | None] = {}
        self.sectors: dict[str, Any] = {}
        self.seen_ids: dict[str, int] = {}
        self.claimed: dict[int, int] = {}  # contact pk → the row that updates it

    @staticmethod
    def validate_rows(state: ContactImport, rows) -> list[Outcome]:
        outcomes = []
        for number, raw in rows:
            record, errors = parse_row(raw)
            outcomes.append(Outcome(number, errors, key=record.get("external_id", ""), record=record))
        return outcomes

    def check(self, outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            if not outcome.errors:
                self._check(outcome)

    def _territory(self, code: str) -> Territory | None:
        if code not in self.territories:
            self.territories[code] = Territory.objects.filter(code=code).first()
        return self.territories[code]

    def _sector(self, code: str):
        from kafaat.training.models import Sector

        if code not in self.sectors:
            self.sectors[code] = Sector.objects.filter(code=code).first()
        return self.sectors[code]

    def _check(self, outcome: Outcome) -> None:
        record, errors = outcome.record, outcome.errors
        territory = self._territory(record["territory"])
        if territory is None:
            errors["territory"] = _("Unknown territory: %(code)s.") % {"code": record["territory"][:20]}
            return
        record["territory"] = territory
        if record["sector"]:
            sector = self._sector(record["sector"])
            if sector is None:
                errors["sector"] = _("Unknown sector: %(codes)s.") % {"codes": record["sector"][:30]}
                return
            record["sector"] = sector
        else:
            record["sector"] = None
        external_id = record["external_id"]
        if external_id:
            if external_id in self.seen_ids:
                errors["external_id"] = _("Same id as row %(row)s.") % {"row": self.seen_ids[external_id]}
                return
            self.seen_ids[external_id] = outcome.row
        existing = None
        if external_id:
            existing = Contact.objects.filter(managed_by=self.organisation, external_id=external_id).first()
            if existing is not None and existing.merged_into_id is not None:
                existing = existing.merged_into
        if existing is None:
            strong = [
                m
                for m in services.match_details(
                    record["first_name_latin"],
                    record["last_name_latin"],
                    record["first_name_ar"],
                    record["last_name_ar"],
                    record["email"],
                    record["phone"],
                    among=self.directory,
                )
                if m.strong
            ]
            existing = strong[0].contact if strong else None
        if existing is not None:
            if existing.pk in self.claimed:
                errors["external_id" if external_id else "email"] = _("Same person as row %(row)s.") % {
                    "row": self.claimed[existing.pk]
                }
                return
            self.claimed[existing.pk] = outcome.row
            if not self.directory.filter(pk=existing.pk).exists():
                errors["external_id"] = _("This id belongs to a contact you may not change.")
                return
            if self._unchanged(existing, record):
                outcome.skipped = True
                return
        outcome.record = (existing, record)

    @staticmethod
    def _unchanged(contact: Contact, record: dict[str, Any]) -> bool:
        if any(getattr(contact, field) != record[field] for field in _COMPARED):
            return False
        if contact.territory_id != record["territory"].pk:
            return False
        if (contact.sector_id or None) != (record["sector"].pk if record["sector"] else None):
            return False
        return not record["external_id"] or contact.external_id == record["external_id"]

    def write(self, records: list, progress) -> int:
        created, updated = [], []
        for existing, record in records:
            contact = existing or Contact(managed_by=self.organisation, created_by=self.user)
            for field in (*_COMPARED, "territory", "sector"):
                setattr(contact, field, record[field])
            if record["external_id"] and (existing is None or existing.managed_by_id == self.organisation.pk):
                contact.external_id = record["external_id"]
            contact.save()
            (updated if existing else created).append(contact.pk)
        details = {"import": self.kind, "organisation": self.organisation.code, "file": self.file_name[:200]}
        if created:
            audit.record_bulk(audit.Action.BULK_CREATE, self.user, Contact, created, details=details)
        if updated:
            audit.record_bulk(audit.Action.BULK_UPDATE, self.user, Contact, updated, details=details)
        progress(len(records))
        return len(records)


def _job_spec(job) -> ContactImport:
    return ContactImport(job.user, job.organisation, language=job.language, file_name=job.file_name)


IMPORT = background.ImportKind(
    name=IMPORT_JOB,
    label=gettext_lazy("Import of contacts"),
    spec=_job_spec,
    page="contacts:import_job",
    workers=1,
)
