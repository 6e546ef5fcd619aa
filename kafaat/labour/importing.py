"""Importing vacancies from agency exports and job boards (CSV or XLSX) through the core import framework.

Every row is checked first; nothing is written while any row is bad (or, by choice, only the good rows).
Idempotence: a row's key is its external id, or `sha:` and a hash of its values; a key the organisation
already holds is skipped when the values are the same and is an error when they differ. Re-posted ads (same
employer, title and territory within `DUPLICATE_WINDOW_DAYS`, in the file or already in Kafaat, whoever
entered them) are skipped and listed in `spec.reposted`. Employers are found by name and territory in the
organisation, or created. Rows without an ISCO code get the classifier's suggestion, to review.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kafaat.core import audit
from kafaat.core.imports import Column, ImportSpec, Outcome, background
from kafaat.core.models import Organisation
from kafaat.labour import classifier
from kafaat.labour.models import (
    CodingStatus,
    ContractType,
    Employer,
    Occupation,
    RequiredLevel,
    Sector,
    Source,
    Vacancy,
)
from kafaat.labour.services import DUPLICATE_WINDOW_DAYS, clean_vacancy, employer_key, organisation_for
from kafaat.registry.validation import parse_date, territory_index

# key, headers in French, Arabic, English, then other names agencies and job boards give the column.
_HEADERS = (
    ("external_id", "Référence", "المرجع", "Reference", "Identifiant externe", "External id", "Ref", "ID",
     "N° offre", "Numéro offre", "Job id"),
    ("employer", "Employeur", "المشغل", "Employer", "Entreprise", "Société", "Raison sociale", "Company"),
    ("sector", "Secteur", "القطاع", "Sector", "Secteur d'activité", "Code ISIC", "ISIC", "Activité"),
    ("territory", "Province ou commune", "الإقليم أو الجماعة", "Province or commune", "Province", "Commune",
     "Ville", "City", "Lieu", "Localisation", "Location", "المدينة"),
    ("title", "Intitulé du poste", "المنصب", "Job title", "Poste", "Intitulé", "Titre", "Title", "Métier"),
    ("description", "Description", "الوصف", "Description", "Missions", "Profil"),
    ("occupation", "Code ISCO", "رمز ISCO", "ISCO code", "CITP", "ISCO", "Code métier"),
    ("positions", "Nombre de postes", "عدد المناصب", "Positions", "Postes", "Nb postes", "Openings"),
    ("contract_type", "Type de contrat", "نوع العقد", "Contract type", "Contrat", "Contract"),
    ("required_level", "Niveau requis", "المستوى المطلوب", "Required level", "Niveau", "Niveau d'études",
     "Education"),
    ("posted_on", "Date de publication", "تاريخ النشر", "Posting date", "Date", "Publié le", "Posted"),
    ("source", "Source", "المصدر", "Source", "Canal"),
    ("source_name", "Nom de la source", "اسم المصدر", "Source name", "Site", "Agence", "Job board"),
)  # fmt: skip
LANGUAGES = ("fr", "ar", "en")
# Accepted values in the template's language (its labels; the import takes a code or a label in any language).
_labels = lazy(lambda choices: "; ".join(str(label) for label in choices.labels), str)
_DOCS = {
    "external_id": (gettext_lazy("Your id of the ad: importing it again changes nothing."), "", ("O-1", "")),
    "employer": (gettext_lazy("Found by name in the territory, or created."), "", ("Tanger Auto SARL", "")),
    "sector": ("", gettext_lazy("ISIC Rev.4 section letter or 2-digit division"), ("29", "C")),
    "territory": ("", gettext_lazy("name or code of a province or commune"), ("Tanger-Assilah", "Oujda")),
    "title": (gettext_lazy("As written in the ad."), "", ("Opératrice câblage", "Soudeur TIG")),
    "occupation": (gettext_lazy("Empty: Kafaat suggests one, to review."), gettext_lazy("4 digits"),
                   ("8212", "")),
    "positions": ("", gettext_lazy("1 to 10,000; empty means 1"), ("12", "")),
    "contract_type": ("", _labels(ContractType), (ContractType.CDD.label, ContractType.CDI.label)),
    "required_level": ("", _labels(RequiredLevel),
                       (RequiredLevel.SECONDARY.label, RequiredLevel.QUALIFICATION.label)),
    "posted_on": ("", gettext_lazy("DD/MM/YYYY or YYYY-MM-DD"), ("03/02/2026", "2026-02-04")),
    "source": ("", _labels(Source), (Source.AGENCY.label, Source.JOB_BOARD.label)),
}  # fmt: skip
VACANCY_COLUMNS = tuple(
    Column(key, {"fr": fr, "ar": ar, "en": en}, tuple(aliases), key in {"employer", "territory", "title"},
           *_DOCS.get(key, ("", "", ("", ""))))
    for key, fr, ar, en, *aliases in _HEADERS
)  # fmt: skip
_CONTRACT_WORDS = {"cdi": "cdi", "cdd": "cdd", "anapec": "anapec", "idmaj": "anapec", "cia": "anapec",
                   "interim": "interim", "interimaire": "interim",
                   "saisonnier": "seasonal", "stage": "internship",
                   "freelance": "freelance", "autre": "other"}  # fmt: skip


ALREADY_DIFFERENT = gettext_lazy(
    "Already imported with other values: change the vacancy in Kafaat, not by importing it again."
)


def _choice(raw, choices, extra: dict[str, str] | None = None) -> str:
    text = str(raw or "").strip()
    if not text:
        return ""
    if text.lower() in choices.values:
        return text.lower()
    folded = " ".join(text.lower().split())
    if extra and folded in extra:
        return extra[folded]
    wanted = classifier.normalise(text)
    for language in LANGUAGES:  # a label in any of the three languages: the templates write the reader's
        with translation.override(language):
            for value, label in choices.choices:
                if classifier.normalise(str(label)) == wanted:
                    return value
    # The labels in the reader's language (accepted as above): the codes are not words of theirs.
    raise ValueError(
        _("Choose one of: %(choices)s.") % {"choices": ", ".join(str(label) for label in choices.labels)}
    )


def _sha(parts) -> str:
    return "sha:" + hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:20]


class VacancyImport(ImportSpec):
    kind = "vacancies"
    columns = VACANCY_COLUMNS
    required_groups = (("employer",), ("territory",), ("title",), ("posted_on",))

    def __init__(
        self, user, organisation: Organisation | None = None, *, language="fr", today=None, file_name=""
    ):
        self.user = user
        self.organisation = organisation_for(user, organisation)
        self.language, self.file_name = language, file_name
        self.today = today or timezone.localdate()
        self.territories = territory_index()
        self.sectors = {s.code: s for s in Sector.objects.select_related("parent")}
        self.occupations = {o.code: o for o in Occupation.objects.filter(level=4)}
        self.seen_keys: dict[str, int] = {}
        self.seen_ads: dict[tuple, list[tuple[date, int]]] = {}
        self.reposted: list[tuple[int, str]] = []  # (row, what it repeats)
        self.written: list[int] = []

    def worker_state(self):
        return self

    @staticmethod
    def validate_rows(state: VacancyImport, rows) -> list[Outcome]:
        return [state._row(number, raw) for number, raw in rows]

    def _row(self, number: int, raw: dict) -> Outcome:
        errors: dict[str, str] = {}
        values: dict = {"title": str(raw.get("title") or "").strip(), "employer_name": ""}
        values["employer_name"] = " ".join(str(raw.get("employer") or "").split())[:200]
        values["description"] = str(raw.get("description") or "").strip()
        values["source_name"] = str(raw.get("source_name") or "").strip()[:100]
        external = raw.get("external_id")
        if isinstance(external, float) and external.is_integer():
            external = int(external)
        values["external_id"] = str(external or "").strip()
        place = str(raw.get("territory") or "").strip()
        values["territory"] = self.territories.find(place) if place else None
        if place and values["territory"] is None:
            errors["territory"] = _("Unknown province or commune: %(name)s.") % {"name": place}
        sector = str(raw.get("sector") or "").strip().upper()
        if sector.isdigit() and len(sector) == 1:
            sector = "0" + sector
        values["sector"] = (
            self.sectors.get(sector[:2] if sector[:1].isdigit() else sector[:1]) if sector else None
        )
        if sector and values["sector"] is None:
            errors["sector"] = _("Give an ISIC Rev.4 section letter or 2-digit division.")
        code = str(raw.get("occupation") or "").strip().split(".")[0]
        values["occupation"] = self.occupations.get(code) if code else None
        if code and values["occupation"] is None:
            errors["occupation"] = _("Unknown ISCO-08 unit group: %(code)s.") % {"code": code}
        positions = raw.get("positions")
        try:
            values["positions"] = (
                1 if positions in (None, "") else int(float(str(positions).replace(",", ".")))
            )
        except ValueError:
            values["positions"] = -1
        posted = raw.get("posted_on")
        try:
            values["posted_on"] = parse_date(posted) if posted not in (None, "") else None
        except ValueError as error:
            errors["posted_on"] = str(error)
            values["posted_on"] = date.min
        for key, choices, extra in (
            ("contract_type", ContractType, _CONTRACT_WORDS),
            ("required_level", RequiredLevel, None),
            ("source", Source, None),
        ):
            try:
                values[key] = _choice(raw.get(key), choices, extra)
            except ValueError as error:
                errors[key] = str(error)
        for key, message in clean_vacancy(values, today=self.today).items():
            errors.setdefault(key, message)
        if errors:
            return Outcome(number, errors)
        values["title_key"] = classifier.normalise(values["title"])
        values["employer_key"] = employer_key(values["employer_name"])
        print_ = [values[k] for k in ("employer_key", "title_key", "positions", "contract_type", "posted_on")]
        print_ += [values["territory"].pk, getattr(values["occupation"], "code", "")]
        values["fingerprint"] = _sha(print_)
        key = values["external_id"] or values["fingerprint"]
        return Outcome(number, key=key, record=values)

    def check(self, outcomes: list[Outcome]) -> None:
        good = [o for o in outcomes if not o.errors]
        keys = [o.key for o in good]
        existing = {
            v.external_id: v
            for v in Vacancy.objects.filter(
                organisation=self.organisation, external_id__in=keys
            ).select_related("employer", "occupation")
        }
        for outcome in good:
            values = outcome.record
            first = self.seen_keys.get(outcome.key)
            if first is not None:
                outcome.errors["external_id"] = _("Same reference as row %(row)s.") % {"row": first}
                continue
            self.seen_keys[outcome.key] = outcome.row
            stored = existing.get(outcome.key)
            if stored is not None:
                if outcome.key.startswith("sha:") or self._fingerprint(stored) == values["fingerprint"]:
                    outcome.skipped = True
                else:
                    outcome.errors["external_id"] = ALREADY_DIFFERENT
                continue
            repeats = self._repeats(outcome.row, values)
            if repeats:
                self.reposted.append((outcome.row, repeats))
                outcome.skipped = True

    @staticmethod
    def _fingerprint(vacancy: Vacancy) -> str:
        parts = [vacancy.employer.name_key, vacancy.title_key, vacancy.positions, vacancy.contract_type]
        occupation = vacancy.occupation.code if vacancy.coding_status == CodingStatus.CONFIRMED else ""
        return _sha([*parts, vacancy.posted_on, vacancy.territory_id, occupation])

    def _repeats(self, row: int, values: dict) -> str:
        """What an ad repeats: an earlier row of the file or a vacancy already in Kafaat; "" if new."""
        window = timedelta(days=DUPLICATE_WINDOW_DAYS)
        ad = (values["employer_key"], values["title_key"], values["territory"].pk)
        earlier = self.seen_ads.setdefault(ad, [])
        for posted, first_row in earlier:
            if abs(posted - values["posted_on"]) <= window:
                return _("row %(row)s") % {"row": first_row}
        earlier.append((values["posted_on"], row))
        from kafaat.labour.services import find_duplicate

        duplicate = find_duplicate(*ad, values["posted_on"])
        return _("vacancy no. %(id)s") % {"id": duplicate.pk} if duplicate else ""

    def write(self, records: list, progress) -> int:
        employers = self._employers(records)
        titles = [r["title"] for r in records if r["occupation"] is None]
        suggested = iter(classifier.suggest_many(titles, top=1))
        vacancies = []
        for values in records:
            employer = employers[(values["employer_key"], values["territory"].pk)]
            vacancy = Vacancy(
                organisation=self.organisation,
                employer=employer,
                created_by=self.user,
                title_key=values["title_key"],
                **{k: values[k] for k in ("title", "description", "territory", "positions", "posted_on")},
                **{k: values[k] for k in ("contract_type", "required_level", "source_name")},
                source=values["source"] or Source.OTHER,
                sector=values["sector"] or employer.sector,
                external_id=values["external_id"] or values["fingerprint"],
            )
            if values["occupation"] is not None:
                vacancy.occupation, vacancy.coding_status = values["occupation"], CodingStatus.CONFIRMED
            else:
                best = next(suggested)
                if best:
                    vacancy.occupation = self.occupations.get(best[0].code)
                    vacancy.coding_status, vacancy.coding_score = CodingStatus.SUGGESTED, best[0].score
            vacancies.append(vacancy)
        created = Vacancy.objects.bulk_create(vacancies, batch_size=1000)
        self.written += [v.pk for v in created]
        progress(len(created))
        return len(created)

    def _employers(self, records: list) -> dict[tuple[str, int], Employer]:
        wanted = {(r["employer_key"], r["territory"].pk): r for r in records}
        found = {
            (e.name_key, e.territory_id): e
            for e in Employer.objects.filter(
                organisation=self.organisation, name_key__in={key for key, _t in wanted}
            )
        }
        new = [
            Employer(
                organisation=self.organisation,
                name=r["employer_name"],
                name_key=key[0],
                territory=r["territory"],
                sector=r["sector"],
                created_by=self.user,
            )
            for key, r in wanted.items()
            if key not in found
        ]
        for employer in Employer.objects.bulk_create(new):
            found[(employer.name_key, employer.territory_id)] = employer
        if new:
            audit.record_bulk(
                audit.Action.BULK_CREATE, self.user, Employer, [e.pk for e in new], details=self._details()
            )
        return found

    def _details(self) -> dict:
        return {"import": self.kind, "organisation": self.organisation.code, "file": self.file_name[:200]}

    def finish(self) -> None:
        details = self._details() | {"reposted": len(self.reposted)}
        audit.record_bulk(audit.Action.BULK_CREATE, self.user, Vacancy, self.written, details=details)


# --- The import page's job (`kafaat.core.imports.background`): run by the worker, followed by its page ------

IMPORT_JOB = "labour.vacancy_import"
REPOSTED_KEPT = 200  # re-posted ads listed on the job's page (all are counted)


def _job_spec(job) -> VacancyImport:
    return VacancyImport(job.user, job.organisation, language=job.language, file_name=job.file_name)


def _job_details(spec: VacancyImport) -> dict:
    return {
        "reposted": [list(item) for item in spec.reposted[:REPOSTED_KEPT]],
        "reposted_count": len(spec.reposted),
    }


IMPORT = background.ImportKind(
    name=IMPORT_JOB,
    label=gettext_lazy("Import of vacancies"),
    spec=_job_spec,
    page="labour:import_job",
    details=_job_details,
    workers=1,  # the spec is its own worker state: checked in this process
)
