"""Importing supply statistics as a ministry or OFPPT publishes them: one row per establishment × programme ×
training year (× age band, when known), with totals and the women among them ("dont filles"), or women and
men apart.

Every row is checked (numbers, year, the consistency rules of `services.check_figures`, the establishment and
programme being ones the importing organisation manages), then everything is written in one transaction, or
nothing. A row's key is (programme, year, age band): the same figures again are "already imported"; different
figures for a key already there are a revision of the published table and replace the old ones (audited with
both values) — ministries revise their tables, and re-importing the same file still changes nothing.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kafaat.core import access, audit
from kafaat.core.imports import Column, ImportSpec, Outcome, background
from kafaat.core.models import Organisation
from kafaat.training.access_rules import CHANGE_ESTABLISHMENT
from kafaat.training.models import AgeBand, Establishment, Programme, Source, SupplyStatistic
from kafaat.training.services import WOMEN_OF, check_figures

MEN_OF = {"applicants_men": "applicants", "enrolled_men": "enrolled", "graduates_men": "graduates"}
_NUMBER = gettext_lazy("a whole number, 0 or more; empty: not known")
# key, the French, Arabic and English headers, then the other names ministry and OFPPT tables use.
_HEADERS = (
    ("establishment", "Code établissement", "رمز المؤسسة", "Establishment code", "Code EFP",
     "Code de l'établissement", "Établissement (code)", "رمز مؤسسة التكوين"),
    ("establishment_name", "Établissement", "المؤسسة", "Establishment", "Nom de l'établissement", "EFP",
     "مؤسسة التكوين"),
    ("programme", "Code filière", "رمز الشعبة", "Programme code", "Code de la filière", "Code formation"),
    ("programme_title", "Filière", "الشعبة", "Programme", "Intitulé de la filière", "Formation"),
    ("year", "Année de formation", "السنة التكوينية", "Training year", "Année", "Year", "السنة"),
    ("age_band", "Tranche d'âge", "الفئة العمرية", "Age band", "Âge"),
    ("seats", "Places offertes", "المقاعد المتاحة", "Seats", "Places", "Capacité", "Places pédagogiques"),
    ("applicants", "Candidats", "المترشحون", "Applicants", "Candidatures", "Nombre de candidats"),
    ("applicants_women", "Candidats dont filles", "المترشحون منهم إناث", "Applicants: women",
     "Candidates", "Candidats filles"),
    ("applicants_men", "Candidats garçons", "المترشحون ذكور", "Applicants: men"),
    ("enrolled", "Inscrits", "المسجلون", "Enrolled", "Effectif", "Effectif total", "Stagiaires inscrits",
     "عدد المتدربين"),
    ("enrolled_women", "Inscrits dont filles", "المسجلون منهم إناث", "Enrolled: women", "Effectif filles",
     "Dont filles", "Stagiaires filles", "منهم إناث"),
    ("enrolled_men", "Inscrits garçons", "المسجلون ذكور", "Enrolled: men", "Effectif garçons"),
    ("graduates", "Lauréats", "الخريجون", "Graduates", "Diplômés", "Nombre de lauréats"),
    ("graduates_women", "Lauréats dont filles", "الخريجون منهم إناث", "Graduates: women", "Lauréates",
     "Diplômées"),
    ("graduates_men", "Lauréats garçons", "الخريجون ذكور", "Graduates: men"),
)  # fmt: skip
_DOCS = {
    "establishment": (gettext_lazy("The establishment's code in Kafaat (its national code)."), "",
                      ("ista-oujda", "ista-oujda")),
    "establishment_name": (gettext_lazy("For the reader only: not checked."), "",
                           ("ISTA Oujda", "ISTA Oujda")),
    "programme": (gettext_lazy("The programme's code in its establishment."), "", ("TS-GE", "Q-EB")),
    "programme_title": (gettext_lazy("For the reader only: not checked."), "",
                        ("Gestion des entreprises", "Électricité du bâtiment")),
    "year": (gettext_lazy("The training year, named by the year it starts in September."),
             gettext_lazy("2024, 2024-2025 or 2024/25"), ("2024-2025", "2024-2025")),
    "age_band": (gettext_lazy("Empty for all ages; otherwise the figures of one age band."),
                 ", ".join(v for v in AgeBand.values if v), ("", "")),
    "seats": (gettext_lazy("Seats offered."), _NUMBER, (120, 60)),
    "applicants": (gettext_lazy("Applications received."), _NUMBER, (310, 95)),
    "applicants_women": (gettext_lazy("Of the applicants, women."), _NUMBER, (140, 4)),
    "applicants_men": (gettext_lazy("Of the applicants, men (when women and men are given apart)."),
                       _NUMBER, ("", "")),
    "enrolled": (gettext_lazy("Trainees enrolled in the year (all years of study)."), _NUMBER, (118, 58)),
    "enrolled_women": (gettext_lazy("Of the trainees, women."), _NUMBER, (61, 2)),
    "enrolled_men": (gettext_lazy("Of the trainees, men (when women and men are given apart)."), _NUMBER,
                     ("", "")),
    "graduates": (gettext_lazy("Trainees who graduated in the year."), _NUMBER, (47, 21)),
    "graduates_women": (gettext_lazy("Of the graduates, women."), _NUMBER, (26, 1)),
    "graduates_men": (gettext_lazy("Of the graduates, men (when women and men are given apart)."), _NUMBER,
                      ("", "")),
}  # fmt: skip
SUPPLY_COLUMNS = tuple(
    Column(key, {"fr": fr, "ar": ar, "en": en}, tuple(aliases), key in ("establishment", "programme", "year"),
           *_DOCS[key])
    for key, fr, ar, en, *aliases in _HEADERS
)  # fmt: skip
_COUNT_COLUMNS = tuple(key for key, *_rest in _HEADERS[6:])
_YEAR = re.compile(r"^(\d{4})(?:\s*[-/–]\s*(\d{2}|\d{4}))?$")
_AGE_WORDS = {
    "": "",
    "tous": "",
    "tout age": "",
    "all": "",
    "all ages": "",
    "جميع الأعمار": "",
    "المجموع": "",
}


def parse_count(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        if value != int(value) or value < 0:
            raise ValueError
        return int(value)
    text = re.sub(r"[\s\u00a0\u202f]", "", str(value))  # "1 234" as French tables write thousands
    if text in ("", "-"):
        return None
    if not text.isdigit():
        raise ValueError
    return int(text)


def parse_year(value) -> int:
    text = str(int(value)) if isinstance(value, int | float) and not isinstance(value, bool) else str(value)
    match = _YEAR.match(text.strip())
    if match is None:
        raise ValueError(_("Write a training year such as 2024 or 2024-2025."))
    start, end = int(match[1]), match[2]
    if end and int(end[-2:]) != (start + 1) % 100:
        raise ValueError(_("A training year runs from one year to the next, such as 2024-2025."))
    if not 1990 <= start <= 2100:
        raise ValueError(_("Write a training year such as 2024 or 2024-2025."))
    return start


def parse_age_band(value) -> str:
    text = re.sub(r"\s+", " ", str(value or "").strip().lower()).replace("–", "-").replace(" ans", "")
    text = text.replace(" ", "") if any(c.isdigit() for c in text) else text
    if text in _AGE_WORDS:
        return _AGE_WORDS[text]
    if text in AgeBand.values:
        return text
    raise ValueError(_("Unknown age band: use one of %(bands)s, or leave it empty for all ages.")
                     % {"bands": ", ".join(v for v in AgeBand.values if v)})  # fmt: skip


def parse_row(raw: dict) -> tuple[dict[str, Any], dict[str, str]]:
    """The figures of one row and the errors by column (pure: no database)."""
    errors: dict[str, str] = {}
    record: dict[str, Any] = {
        "establishment": str(raw.get("establishment") or "").strip(),
        "programme": str(raw.get("programme") or "").strip().removesuffix(".0"),
    }
    for key in ("establishment", "programme"):
        if not record[key]:
            errors[key] = _("This field is required.")
    try:
        record["year"] = parse_year(raw.get("year") or "")
    except ValueError as error:
        errors["year"] = str(error)
    try:
        record["age_band"] = parse_age_band(raw.get("age_band"))
    except ValueError as error:
        errors["age_band"] = str(error)
    counts: dict[str, int | None] = {}
    for key in _COUNT_COLUMNS:
        try:
            counts[key] = parse_count(raw.get(key))
        except ValueError:
            errors[key] = _("Write a whole number, 0 or more.")
    if not any(value is not None for value in counts.values()) and not errors:
        errors["enrolled"] = _("The row gives no figure.")
    if any(key in errors for key in _COUNT_COLUMNS):
        return record, errors
    for men, total in MEN_OF.items():
        women = next(w for w, t in WOMEN_OF.items() if t == total)
        given = (counts[total], counts[women], counts[men])
        if counts[men] is None:
            continue
        if counts[total] is None and counts[women] is not None:
            counts[total] = counts[women] + counts[men]
        elif counts[total] is not None and counts[women] is None:
            if counts[men] > counts[total]:
                errors[men] = _("More men than in total.")
            else:
                counts[women] = counts[total] - counts[men]
        elif None not in given and given[0] != given[1] + given[2]:
            errors[total] = _("The total (%(total)s) is not women plus men (%(women)s + %(men)s).") % {
                "total": given[0],
                "women": given[1],
                "men": given[2],
            }
    values = {name: counts[name] for name in SupplyStatistic.MEASURES}
    errors.update({k: v for k, v in check_figures(values).items() if k not in errors})
    record["values"] = values
    return record, errors


class SupplyImport(ImportSpec):
    kind = "supply"
    columns = SUPPLY_COLUMNS
    required_groups = (("establishment",), ("programme",), ("year",), _COUNT_COLUMNS)

    def __init__(self, user, organisation: Organisation, *, language: str = "fr", file_name: str = ""):
        if not access.organisations_where(user, CHANGE_ESTABLISHMENT).filter(pk=organisation.pk).exists():
            raise PermissionDenied
        self.user, self.organisation, self.language, self.file_name = user, organisation, language, file_name
        self.establishments = access.scoped(user, CHANGE_ESTABLISHMENT, Establishment.objects.all()).filter(
            Q(organisation=organisation) | Q(operator=organisation)
        )
        self.found: dict[str, Establishment | None] = {}
        self.programmes: dict[tuple[int, str], Programme | None] = {}
        self.seen: dict[tuple, int] = {}
        self.all_ages: dict[tuple, tuple[int, dict]] = {}  # (programme, year) → (row, values) in the file
        self.band_sums: dict[tuple, dict[str, int]] = {}
        self.existing: dict[tuple, SupplyStatistic] = {}  # the figures already there, for the current chunk

    @staticmethod
    def validate_rows(state: SupplyImport, rows) -> list[Outcome]:
        outcomes = []
        for number, raw in rows:
            record, errors = parse_row(raw)
            outcomes.append(Outcome(number, errors, record=record))
        return outcomes

    def check(self, outcomes: list[Outcome]) -> None:
        good = [outcome for outcome in outcomes if not outcome.errors]
        self._prefetch([outcome.record for outcome in good])
        for outcome in good:
            self._check(outcome)

    def _prefetch(self, rows: list[dict]) -> None:
        """Three queries a chunk (establishments, programmes, existing figures) instead of three a row."""
        codes = {row["establishment"] for row in rows} - set(self.found)
        for establishment in self.establishments.filter(code__in=codes):
            self.found[establishment.code] = establishment
        establishments = {self.found.get(row["establishment"]) for row in rows} - {None}
        wanted = {(e.pk, row["programme"]) for row in rows if (e := self.found.get(row["establishment"]))}
        for programme in Programme.objects.filter(
            establishment__in=establishments, code__in={code for _pk, code in wanted}
        ):
            self.programmes[(programme.establishment_id, programme.code)] = programme
        for key in wanted:
            self.programmes.setdefault(key, None)
        programme_ids = {p.pk for key in wanted if (p := self.programmes.get(key))}
        self.existing = {
            (s.programme_id, s.year, s.age_band): s
            for s in SupplyStatistic.objects.filter(programme_id__in=programme_ids, source=Source.PUBLISHED)
        }

    def _check(self, outcome: Outcome) -> None:
        row, errors = outcome.record, outcome.errors
        establishment = self._establishment(row["establishment"])
        if establishment is None:
            errors["establishment"] = _(
                "Unknown establishment, or not one your organisation manages: %(code)s."
            ) % {"code": row["establishment"]}
            return
        programme = self._programme(establishment, row["programme"])
        if programme is None:
            errors["programme"] = _("No programme with this code in %(establishment)s: %(code)s.") % {
                "establishment": establishment.code,
                "code": row["programme"],
            }
            return
        key = (programme.pk, row["year"], row["age_band"])
        if key in self.seen:
            errors["programme"] = _("Same programme, year and age band as row %(row)s.") % {
                "row": self.seen[key]
            }
            return
        self.seen[key] = outcome.row
        if not self._bands_fit(outcome, programme.pk, row):
            return
        existing = self.existing.get(key)
        if existing is not None and existing.values() == row["values"]:
            outcome.skipped = True
            return
        outcome.record = (programme, row, existing)

    def _bands_fit(self, outcome: Outcome, programme_id: int, row: dict) -> bool:
        """Age-band rows of one programme and year add up to no more than its all-ages row in the file."""
        pair = (programme_id, row["year"])
        values = row["values"]
        if row["age_band"]:
            sums = self.band_sums.setdefault(pair, {})
            for name, value in values.items():
                if value is not None:
                    sums[name] = sums.get(name, 0) + value
        else:
            self.all_ages[pair] = (outcome.row, values)
        if pair not in self.all_ages:
            return True
        total_row, totals = self.all_ages[pair]
        for name, summed in self.band_sums.get(pair, {}).items():
            if totals.get(name) is not None and summed > totals[name]:
                outcome.errors[name] = _(
                    "The age bands add up to %(sum)s, more than the all-ages figure of row %(row)s "
                    "(%(total)s)."
                ) % {"sum": summed, "row": total_row, "total": totals[name]}
                return False
        return True

    def _establishment(self, code: str) -> Establishment | None:
        if code not in self.found:
            self.found[code] = self.establishments.filter(code=code).first()
        return self.found[code]

    def _programme(self, establishment: Establishment, code: str) -> Programme | None:
        key = (establishment.pk, code)
        if key not in self.programmes:
            self.programmes[key] = Programme.objects.filter(establishment=establishment, code=code).first()
        return self.programmes[key]

    def write(self, records: list, progress) -> int:
        created, updated = [], []
        for programme, row, existing in records:
            if existing is None:
                created.append(
                    SupplyStatistic(
                        programme=programme,
                        year=row["year"],
                        source=Source.PUBLISHED,
                        age_band=row["age_band"],
                        imported_by=self.organisation,
                        updated_by=self.user,
                        **row["values"],
                    )
                )
            else:
                changes = audit.changes_between(existing.values(), row["values"])
                for name, value in row["values"].items():
                    setattr(existing, name, value)
                existing.imported_by, existing.updated_by = self.organisation, self.user
                existing.updated_at = timezone.now()  # bulk_update skips auto_now
                updated.append((existing, changes))
        SupplyStatistic.objects.bulk_create(created, batch_size=500)
        if updated:
            fields = [*SupplyStatistic.MEASURES, "imported_by", "updated_by", "updated_at"]
            SupplyStatistic.objects.bulk_update([s for s, _c in updated], fields, batch_size=500)
        details = {"import": self.kind, "organisation": self.organisation.code, "file": self.file_name[:200]}
        if created:
            audit.record_bulk(audit.Action.BULK_CREATE, self.user, SupplyStatistic, [s.pk for s in created],
                              details=details)  # fmt: skip
        if updated:
            changes = {str(s.pk): c for s, c in updated[:1000]}
            ids = [s.pk for s, _c in updated]
            audit.record_bulk(
                audit.Action.BULK_UPDATE,
                self.user,
                SupplyStatistic,
                ids,
                details={**details, "changes": changes},
            )
        progress(len(records))
        return len(records)


# --- The import page's job (`kafaat.core.imports.background`): run by the worker, followed by its page ------

IMPORT_JOB = "training.supply_import"


def _job_spec(job) -> SupplyImport:
    return SupplyImport(job.user, job.organisation, language=job.language, file_name=job.file_name)


IMPORT = background.ImportKind(
    name=IMPORT_JOB,
    label=gettext_lazy("Import of supply statistics"),
    spec=_job_spec,
    page="training:import_job",
    workers=1,  # a few thousand rows: checking them in other processes would cost more than it saves
)
