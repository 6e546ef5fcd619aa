"""Importing pathway steps: each row is checked by `pathways.services.check_step` against the database and
the earlier rows of the same file (an enrolment and its dropout may come together), then written as
`record_step` writes one step: the step, the participation in the project, the enrolment it ends.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kafaat.core import access, audit, crypto
from kafaat.core.imports import ImportSpec, Outcome, reserve_ids
from kafaat.core.models import Organisation, Project
from kafaat.pathways.catalogues import Catalogues
from kafaat.pathways.models import (
    ContractType,
    Credential,
    DropoutReason,
    Participation,
    PlacementType,
    ReferralTarget,
    Step,
    StepKind,
    WageBand,
)
from kafaat.pathways.services import KIND_FIELDS, check_step, ending_status, initial_status, projects_for
from kafaat.registry import normalise
from kafaat.registry.access_rules import CHANGE_PERSON
from kafaat.registry.imports.columns import DATE_FORMAT, YES_NO, build_columns, labels, spreadsheet_text
from kafaat.registry.imports.keys import sha
from kafaat.registry.models import Person
from kafaat.registry.services import active_sharing_consent, organisation_for
from kafaat.registry.validation import choice, parse_bool, parse_date

STEP_CHOICES = {
    "referral_target": ReferralTarget,
    "dropout_reason": DropoutReason,
    "credential": Credential,
    "placement_type": PlacementType,
    "contract_type": ContractType,
    "wage_band": WageBand,
    "income_band": WageBand,
}
STEP_BOOLEANS = ("prior_learning_recognised", "still_employed")
# Words people write for a step, beyond its code and its labels (these need no translation catalogue).
KIND_WORDS = {
    StepKind.INTAKE: ("accueil", "orientation", "الاستقبال"),
    StepKind.ASSESSMENT: ("évaluation", "bilan", "التقييم"),
    StepKind.REFERRAL: ("orientation vers", "référencement", "التوجيه", "الإحالة"),
    StepKind.ENROLMENT: ("inscription", "entrée en formation", "التسجيل"),
    StepKind.DROPOUT: ("abandon", "الانقطاع", "انقطاع"),
    StepKind.COMPLETION: ("fin de formation", "achèvement", "إتمام التكوين"),
    StepKind.CERTIFICATION: ("diplôme", "الإشهاد"),
    StepKind.PLACEMENT: ("insertion", "الإدماج"),
    StepKind.FOLLOW_UP: ("suivi", "التتبع"),
}
_KIND_BY_WORD = {
    normalise.normalise_arabic(normalise.normalise_latin(w)): k for k, ws in KIND_WORDS.items() for w in ws
}
_STEP_HEADERS = (
    ("external_id", "Identifiant étape", "معرف المرحلة", "Step id", "Step external id", "ID étape"),
    ("person", "Identifiant bénéficiaire", "معرف المستفيد", "Person id", "Person external id",
     "ID bénéficiaire", "Identifiant externe", "Bénéficiaire"),
    ("person_id_number", "CIN", "رقم البطاقة الوطنية", "CIN", "N° CIN", "Numéro de pièce", "Document number"),
    ("kind", "Étape", "المرحلة", "Step", "Type d'étape", "Kind", "Step kind"),
    ("date", "Date", "التاريخ", "Date", "Date de l'étape"),
    ("project", "Projet", "المشروع", "Project", "Code projet", "Project code"),
    ("parent", "Étape précédente", "المرحلة السابقة", "Previous step", "Parent", "Parent step", "Répond à"),
    ("outcome", "Résultat / note", "النتيجة / ملاحظة", "Outcome / note", "Note", "Remarque", "Outcome"),
    ("skill_level", "Niveau de compétence", "مستوى الكفاءة", "Skill level"),
    ("prior_learning_recognised", "Acquis reconnus (VAE)", "الاعتراف بالمكتسبات", "Prior learning"),
    ("referral_target", "Orienté vers", "موجه نحو", "Referred to"),
    ("target_organisation", "Organisation d'accueil", "المنظمة المستقبلة", "Receiving organisation"),
    ("programme", "Programme de formation", "برنامج التكوين", "Training programme", "Programme", "Filière"),
    ("cohort", "Cohorte", "الفوج", "Cohort", "Groupe", "Promotion"),
    ("dropout_reason", "Motif d'abandon", "سبب الانقطاع", "Dropout reason"),
    ("credential", "Certification obtenue", "الشهادة", "Credential"),
    ("level", "Niveau", "المستوى", "Level"),
    ("placement_type", "Type d'insertion", "نوع الإدماج", "Placement type"),
    ("employer_name", "Employeur", "المشغل", "Employer"),
    ("sector", "Secteur (CITI)", "القطاع", "Sector (ISIC)", "Secteur"),
    ("contract_type", "Contrat", "العقد", "Contract"),
    ("wage_band", "Tranche de salaire", "فئة الأجر", "Wage band"),
    ("follow_up_months", "Mois après insertion", "الأشهر بعد الإدماج", "Months after placement"),
    ("still_employed", "Toujours en emploi", "لا يزال يعمل", "Still employed"),
    ("income_band", "Tranche de revenu", "فئة الدخل", "Income band"),
)  # fmt: skip
_KIND_ACCEPTED = labels(StepKind)
_STEP_DOCS = {
    "external_id": (gettext_lazy("Your own id for the step, unique in your organisation; later rows may name "
                                 "it as their previous step."), "", ("S-1", "S-2")),
    "person": (gettext_lazy("The person's external id in your organisation (or give the CIN)."), "",
               ("P-0001", "P-0001")),
    "person_id_number": (gettext_lazy("The person's document number, when the external id is not known."),
                         "", ("", "")),
    "kind": (gettext_lazy("What happened."), _KIND_ACCEPTED,
             (StepKind.ENROLMENT.label, StepKind.DROPOUT.label)),
    "date": (gettext_lazy("The day it happened."), DATE_FORMAT, ("06/01/2025", "20/03/2025")),
    "project": (gettext_lazy("Code of the project; empty: the project chosen for the import."), "", ("", "")),
    "parent": (gettext_lazy("The step id this step answers to (a dropout answers to an enrolment)."), "",
               ("", "S-1")),
    "outcome": (Step._meta.get_field("outcome").verbose_name, "", ("", "")),
    "target_organisation": (gettext_lazy("Code of the organisation the person is referred to."), "",
                            ("", "")),
}  # fmt: skip
for _key, *_names in _STEP_HEADERS[8:]:
    _help = _STEP_DOCS.get(_key, (Step._meta.get_field(_key).verbose_name,))[0]
    _accepted = (
        labels(STEP_CHOICES[_key]) if _key in STEP_CHOICES else YES_NO if _key in STEP_BOOLEANS else ""
    )
    _examples = {"programme": ("Soudure", ""), "dropout_reason": ("", DropoutReason.FAMILY.label)}.get(
        _key, ("", "")
    )
    _STEP_DOCS[_key] = (_help, _accepted, _examples)
STEP_COLUMNS = build_columns(_STEP_HEADERS, _STEP_DOCS, {"kind", "date"})
STEP_FIELDS = tuple(key for key, *_rest in _STEP_HEADERS[8:])
_STEP_NAMES = {"person", "person_id_number", "project", "parent", "outcome", "external_id"}


def step_kind(text: str) -> str:
    found = _KIND_BY_WORD.get(normalise.normalise_arabic(normalise.normalise_latin(text)).strip())
    return found or choice(text, StepKind)


class StepsImport(ImportSpec):
    kind = "steps"
    columns = STEP_COLUMNS
    required_groups = (("person", "person_id_number"), ("kind",), ("date",))
    error_columns = {"person": ("person", "person_id_number")}

    def __init__(
        self,
        user,
        organisation: Organisation,
        *,
        project: Project | None = None,
        language: str = "fr",
        today: date | None = None,
        file_name: str = "",
    ):
        self.user, self.language, self.file_name = user, language, file_name
        self.organisation = organisation_for(user, CHANGE_PERSON, organisation)
        self.today = today or timezone.localdate()
        self.projects = {p.code: p for p in projects_for(user).filter(participants=self.organisation)}
        if project is not None and project.code not in self.projects:
            raise PermissionDenied
        self.default_project = project
        self.people: dict = {}
        self.catalogues = Catalogues(user, self.organisation)  # each programme or employer looked up once
        self.db_steps: dict[str, Step | None] = {}
        self.in_file: dict[str, Step] = {}
        self.participating: dict[tuple, bool] = {}
        self.joined: dict[
            tuple, date
        ] = {}  # participations this file creates: (person, project) → first date
        self.closed: list[Step] = []  # enrolments in the database that this file ends
        self.seen: dict[str, int] = {}

    @staticmethod
    def validate_rows(state: StepsImport, rows) -> list[Outcome]:
        return [state.parse(number, raw) for number, raw in rows]

    def parse(self, number: int, raw: dict) -> Outcome:
        errors, fields = {}, {}
        parsed = {name: str(spreadsheet_text(raw.get(name)) or "").strip() for name in _STEP_NAMES}
        kind = None
        try:
            kind = step_kind(str(raw.get("kind") or "").strip())
        except ValueError as error:
            errors["kind"] = str(error)
        try:
            parsed["date"] = parse_date(raw.get("date") or "")
        except ValueError as error:
            errors["date"] = str(error)
        for name in STEP_FIELDS:
            value = raw.get(name)
            if value is None or str(value).strip() == "":
                continue
            if kind is not None and name not in KIND_FIELDS[kind]:
                errors[name] = _("Not a field of this step.")
                continue
            try:
                fields[name] = self._field(name, value)
            except ValueError as error:
                errors[name] = str(error)
        if not parsed["person"] and not parsed["person_id_number"]:
            errors["person"] = _("Give the person's external id or document number.")
        if len(parsed["outcome"]) > 300 or len(parsed["external_id"]) > 64:
            errors["outcome" if len(parsed["outcome"]) > 300 else "external_id"] = _("This text is too long.")
        parsed.update(kind=kind, fields=fields)
        return Outcome(number, errors, record=parsed)

    @staticmethod
    def _field(name: str, value):
        if name in STEP_CHOICES:
            return choice(str(value).strip(), STEP_CHOICES[name])
        if name in STEP_BOOLEANS:
            return parse_bool(value)
        if name == "follow_up_months":
            try:
                return int(float(value))
            except ValueError as error:
                raise ValueError(_("Write a number of months.")) from error
        text = str(spreadsheet_text(value)).strip()
        if name == "target_organisation":
            return text
        if len(text) > Step._meta.get_field(name).max_length:
            raise ValueError(_("This text is too long."))
        return text.upper() if name == "sector" else text

    def check(self, outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            if not outcome.errors:
                self._check(outcome)

    def _check(self, outcome: Outcome) -> None:
        row, errors = outcome.record, outcome.errors
        kind, on, fields = row["kind"], row["date"], row["fields"]
        person, project = self._person(row, errors), self._project(row["project"], errors)
        if fields.get("target_organisation"):
            code = fields["target_organisation"]
            fields["target_organisation"] = Organisation.objects.filter(code=code, is_active=True).first()
            if fields["target_organisation"] is None:
                errors["target_organisation"] = _("Unknown organisation: %(code)s.") % {"code": code}
        if errors:
            return
        key = (
            row["external_id"]
            or "sha:"
            + sha(
                [
                    person.pk,
                    kind,
                    on,
                    project.pk,
                    row["parent"],
                    row["outcome"],
                    sorted((k, str(v)) for k, v in fields.items()),
                ]
            )[:20]
        )
        if key in self.seen:
            errors["external_id"] = _("Same step as row %(row)s.") % {"row": self.seen[key]}
            return
        self.seen[key] = outcome.row
        existing = Step.objects.filter(organisation=self.organisation, external_id=key).first()
        if existing is not None:
            same = (existing.person_id, existing.project_id, existing.kind, existing.date) == (
                person.pk,
                project.pk,
                kind,
                on,
            )
            outcome.skipped = same
            if not same:
                errors["external_id"] = _("Already imported with other values: change the step in Kafaat.")
            return
        parent = None
        if row["parent"]:
            parent = self.in_file.get(row["parent"]) or self._db_step(row["parent"])
            if parent is None:
                errors["parent"] = _("Unknown previous step: %(id)s.") % {"id": row["parent"]}
                return
        pair = (person.pk, project.pk)
        exists = pair in self.joined or self._participates(pair)
        errors.update(
            check_step(
                person, kind, project, on, parent, fields, today=self.today, participation_exists=exists
            )
        )
        joined = self.joined.get(pair)
        if not errors and joined and on < joined and kind != StepKind.INTAKE:
            errors["date"] = _("The person joined this project on %(date)s: no step can come earlier.") % {
                "date": joined.isoformat()
            }
        target = fields.get("target_organisation")
        if not errors and kind == StepKind.REFERRAL and target and not active_sharing_consent(person, target):
            errors["target_organisation"] = _(
                "Record the person's consent to share their record with this organisation first."
            )
        if errors:
            return
        step = Step(
            person=person,
            organisation=self.organisation,
            project=project,
            kind=kind,
            date=on,
            parent=parent,
            outcome=row["outcome"],
            external_id=key,
            recorded_by=self.user,
            status=initial_status(kind),
            **fields,
            **self.catalogues.links(fields),
        )
        ended = ending_status(kind, parent, fields)
        if ended:
            parent.status, parent.end_date = ended, on
            if parent.pk is not None:
                self.closed.append(parent)
        if row["external_id"]:
            self.in_file[row["external_id"]] = step
        if not self._participates(pair):
            self.joined.setdefault(pair, on)
        outcome.record = step

    def _person(self, row: dict, errors: dict) -> Person | None:
        external_id, number = row["person"], row["person_id_number"]
        cache_key = ("external", external_id) if external_id else ("document", number)
        if cache_key not in self.people:
            people = access.scoped(
                self.user, CHANGE_PERSON, Person.objects.filter(merged_into__isnull=True)
            ).filter(accesses__organisation=self.organisation, accesses__is_active=True)
            if external_id:
                people = people.filter(registered_by=self.organisation, external_id=external_id)
            else:
                people = people.filter(id_number_hash__in=_document_hashes(number))
            found = list(people[:2])
            self.people[cache_key] = found[0] if len(found) == 1 else len(found)
        person = self.people[cache_key]
        if isinstance(person, int):
            field = "person" if external_id else "person_id_number"
            errors[field] = (
                _("Several people have this document number.")
                if person
                else _("No person of your organisation has this id: %(id)s.") % {"id": external_id or number}
            )
            return None
        return person

    def _project(self, code: str, errors: dict) -> Project | None:
        project = self.projects.get(code) if code else self.default_project
        if project is None:
            errors["project"] = (
                _("Unknown project, or your organisation does not take part in it: %(code)s.")
                % {"code": code}
                if code
                else _("Give the project's code, in the file or when starting the import.")
            )
        return project

    def _db_step(self, external_id: str) -> Step | None:
        if external_id not in self.db_steps:
            self.db_steps[external_id] = Step.objects.filter(
                organisation=self.organisation, external_id=external_id
            ).first()
        return self.db_steps[external_id]

    def _participates(self, pair: tuple) -> bool:
        if pair not in self.participating:
            self.participating[pair] = Participation.objects.filter(
                person_id=pair[0], project_id=pair[1]
            ).exists()
        return self.participating[pair]

    def write(self, steps: list[Step], progress) -> int:
        ids = reserve_ids(Step, len(steps))
        for step, pk in zip(steps, ids, strict=True):
            step.pk = pk
        Step.objects.bulk_create(steps, batch_size=500)
        Participation.objects.bulk_create(
            Participation(person_id=person, project_id=project, organisation=self.organisation, joined_on=on)
            for (person, project), on in self.joined.items()
        )
        if self.closed:
            Step.objects.bulk_update(self.closed, ["status", "end_date"])
        progress(len(steps))
        audit.record_bulk(
            audit.Action.BULK_CREATE,
            self.user,
            Step,
            ids,
            details={
                "import": self.kind,
                "organisation": self.organisation.code,
                "file": self.file_name[:200],
                "closed_enrolments": [step.pk for step in self.closed],
            },
        )
        return len(ids)


def _document_hashes(number: str) -> list[str]:
    hashes = []
    for id_type in normalise.ID_TYPES:
        try:
            hashes.append(
                crypto.keyed_hash(
                    normalise.id_lookup_key(id_type, normalise.normalise_id_number(id_type, number))
                )
            )
        except ValueError:
            continue
    return hashes
