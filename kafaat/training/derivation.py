"""Supply statistics derived from Kafaat's own pathway steps (docs/decisions/0008-steps-to-programmes.md).

An enrolment step names its programme in free text, recorded by an organisation. That text is matched to a
training programme by the organisation's `ProgrammeMapping`s, or, when there is none, by the title or code
of a programme of an establishment the organisation is or operates (`Resolver`).
Certifications answer to their enrolment (directly or through the completion) and take its programme.

Per programme and training year (September to August), by sex and age band:
* enrolled — people whose enrolment was open at some time in the year, or who were certified in it;
* graduates — certifications dated in the year.
So graduates never exceed enrolled. The age band is the person's age on the day of enrolment; people whose
date of birth is unknown count in the all-ages row only. The rows are `Source.KAFAAT`; running again with
the same steps changes nothing (rows are compared, and only differences written).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.core.imports import fold
from kafaat.core.models import Organisation
from kafaat.pathways.models import Step, StepKind
from kafaat.training.access_rules import CHANGE_ESTABLISHMENT
from kafaat.training.models import AgeBand, Programme, ProgrammeMapping, Source, SupplyStatistic

DERIVED_MEASURES = ("enrolled", "enrolled_women", "graduates", "graduates_women")
# progress(done, total, stage): steps read out of all the enrolment and certification steps, then the writing.
Progress = Callable[[int, int, str], None]
PROGRESS_EVERY = 5000  # steps read between two reports
_BANDS = ((18, AgeBand.UNDER_18), (25, AgeBand.FROM_18_TO_24), (35, AgeBand.FROM_25_TO_34))


def label_key(text: str) -> str:
    """A programme's name as compared: no case, accents, Arabic vowel marks, spaces or punctuation."""
    return fold(text)[:200]


def training_year(day: date) -> int:
    """The training year a day falls in, named by its first year (September to August)."""
    return day.year if day.month >= 9 else day.year - 1


def age_band(birth_date: date | None, on: date) -> str | None:
    if birth_date is None:
        return None
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    if age < 15:
        return None
    return next((band for limit, band in _BANDS if age < limit), AgeBand.FROM_35)


class Resolver:
    """Which programme an enrolment step names: (organisation, label, person's territory) → programme id.

    In order: the organisation's explicit mapping of the label; the one programme of an establishment the
    organisation *is* whose title or code matches; the one programme of an establishment the organisation
    *operates* (OFPPT records enrolments for all its institutes) whose title or code matches, in the person's
    province, else in their region. Anything else stays unmatched, to be mapped by hand.
    """

    def __init__(self) -> None:
        own: dict[tuple[int, str], set[int]] = defaultdict(set)
        self.operated: dict[tuple[int, str], list[tuple[int, list[str]]]] = defaultdict(list)
        rows = Programme.objects.values_list(
            "pk", "establishment__organisation_id", "establishment__operator_id",
            "establishment__territory__path", "code", "title_fr", "title_ar", "title_en",
        )  # fmt: skip
        for pk, organisation_id, operator_id, path, *names in rows:
            for key in {label_key(name) for name in names if name} - {""}:
                if organisation_id is not None:
                    own[(organisation_id, key)].add(pk)
                self.operated[(operator_id, key)].append((pk, path.split("/")[:2]))
        self.found = {key: next(iter(pks)) for key, pks in own.items() if len(pks) == 1}
        self.found.update(
            ((organisation_id, key), programme_id)
            for organisation_id, key, programme_id in ProgrammeMapping.objects.values_list(
                "organisation_id", "label_key", "programme_id"
            )
        )

    def programme(self, organisation_id: int, label: str, person_path: str) -> int | None:
        key = (organisation_id, label_key(label or ""))
        found = self.found.get(key)
        if found is not None or key not in self.operated:
            return found
        place = person_path.split("/")[:2]
        for depth in (2, 1):  # the person's province, then their region
            near = {pk for pk, where in self.operated[key] if where[:depth] == place[:depth]}
            if len(near) == 1:
                return near.pop()
        return None


@dataclass
class Derivation:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    enrolments_matched: int = 0
    enrolments_unmatched: int = 0
    unmatched: Counter = field(default_factory=Counter)  # (organisation id, label as written) → enrolments

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


def _no_progress(done: int, total: int, stage: str) -> None:
    return None


def compute(
    today: date | None = None, progress: Progress = _no_progress
) -> tuple[dict[tuple, dict[str, int]], Derivation]:
    """The derived figures {(programme, year, age band): measures} and what matched, without writing."""
    today = today or timezone.localdate()
    resolve = Resolver()
    report = Derivation()
    reading = _("Reading the enrolments and certifications")
    kinds = Step.objects.filter(kind__in=(StepKind.ENROLMENT, StepKind.CERTIFICATION))
    total, done = kinds.count(), 0
    progress(0, total, reading)
    enrolments: dict[int, tuple] = {}  # step id → (programme, first year, last year, sex, band)
    rows = Step.objects.filter(kind=StepKind.ENROLMENT).values_list(
        "pk", "organisation_id", "programme", "date", "end_date", "person__sex", "person__birth_date",
        "person__territory__path", "training_programme_id",
    )  # fmt: skip
    for pk, organisation_id, label, start, end, sex, birth_date, path, linked in rows.iterator(
        chunk_size=5000
    ):
        done += 1
        if done % PROGRESS_EVERY == 0:
            progress(done, total, reading)
        # A step linked to the catalogue when it was recorded names its programme; the others are resolved.
        programme = linked or resolve.programme(organisation_id, label, path)
        if programme is None:
            report.enrolments_unmatched += 1
            report.unmatched[(organisation_id, label or "")] += 1
            continue
        report.enrolments_matched += 1
        last = training_year(min(end or today, today))
        enrolments[pk] = (programme, training_year(start), last, sex, age_band(birth_date, start))
    figures: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(DERIVED_MEASURES, 0))
    certified: dict[int, set[int]] = defaultdict(set)  # enrolment → years with a certification
    certifications = Step.objects.filter(kind=StepKind.CERTIFICATION).values_list(
        "date", "parent_id", "parent__kind", "parent__parent_id"
    )
    for day, parent, parent_kind, grandparent in certifications.iterator(chunk_size=5000):
        done += 1
        if done % PROGRESS_EVERY == 0:
            progress(done, total, reading)
        enrolment = parent if parent_kind == StepKind.ENROLMENT else grandparent
        if enrolment not in enrolments:
            continue
        programme, _first, _last, sex, band = enrolments[enrolment]
        year = training_year(day)
        certified[enrolment].add(year)
        _add(figures, programme, year, band, sex, "graduates")
    for enrolment, (programme, first, last, sex, band) in enrolments.items():
        for year in set(range(first, last + 1)) | certified.get(enrolment, set()):
            _add(figures, programme, year, band, sex, "enrolled")
    return dict(figures), report


def _add(figures: dict, programme: int, year: int, band: str | None, sex: str, measure: str) -> None:
    for key in (
        ((programme, year, AgeBand.ALL), (programme, year, band)) if band else ((programme, year, ""),)
    ):
        figures[key][measure] += 1
        if sex == "F":
            figures[key][f"{measure}_women"] += 1


@transaction.atomic
def derive_supply(actor=None, *, today: date | None = None, progress: Progress = _no_progress) -> Derivation:
    """Recompute every derived statistic from the steps; write only the differences, audited once each.
    Pages and the API run it as a job (`training.derivation_jobs`); the command runs it inline."""
    if actor is not None and not access.has_permission(actor, CHANGE_ESTABLISHMENT):
        raise PermissionDenied
    figures, report = compute(today, progress)
    progress(0, len(figures), _("Writing the statistics"))
    existing = {
        (s.programme_id, s.year, s.age_band): s for s in SupplyStatistic.objects.filter(source=Source.KAFAAT)
    }
    created, updated = [], []
    for key, values in figures.items():
        statistic = existing.pop(key, None)
        if statistic is None:
            programme, year, band = key
            created.append(
                SupplyStatistic(
                    programme_id=programme, year=year, age_band=band, source=Source.KAFAAT, **values
                )
            )
        elif any(getattr(statistic, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(statistic, name, value)
            statistic.updated_at = timezone.now()
            updated.append(statistic)
    SupplyStatistic.objects.bulk_create(created, batch_size=1000)
    SupplyStatistic.objects.bulk_update(updated, [*DERIVED_MEASURES, "updated_at"], batch_size=1000)
    stale = [s.pk for s in existing.values()]
    SupplyStatistic.objects.filter(pk__in=stale).delete()
    report.created, report.updated, report.deleted = len(created), len(updated), len(stale)
    progress(len(figures), len(figures), _("Writing the statistics"))
    details = {"source": "pathways", "enrolments_matched": report.enrolments_matched}
    for action, ids in (
        (audit.Action.BULK_CREATE, [s.pk for s in created]),
        (audit.Action.BULK_UPDATE, [s.pk for s in updated]),
        (audit.Action.BULK_DELETE, stale),
    ):
        if ids:
            audit.record_bulk(action, actor, SupplyStatistic, ids, details=details)
    return report


# --- Mappings -----------------------------------------------------------------------------------------------


def unmatched_labels(user, organisation: Organisation) -> list[tuple[str, int]]:
    """The programme names the organisation's enrolments use that match no programme, most used first."""
    if not access.organisations_where(user, CHANGE_ESTABLISHMENT).filter(pk=organisation.pk).exists():
        raise PermissionDenied
    resolve = Resolver()
    counts: Counter = Counter()
    labels = Step.objects.filter(kind=StepKind.ENROLMENT, organisation=organisation).values_list(
        "programme", "person__territory__path"
    )
    for label, path in labels.iterator(chunk_size=5000):
        if resolve.programme(organisation.pk, label, path) is None:
            counts[label] += 1
    return counts.most_common()


@transaction.atomic
def map_label(user, organisation: Organisation, label: str, programme: Programme) -> ProgrammeMapping:
    """Say that `organisation`'s steps naming `label` are enrolments in `programme`. The statistics take it
    at the next derivation (the page queues one: `derivation_jobs.start_derivation`)."""
    if not access.organisations_where(user, CHANGE_ESTABLISHMENT).filter(pk=organisation.pk).exists():
        raise PermissionDenied
    if not access.has_permission(user, CHANGE_ESTABLISHMENT, programme.establishment):
        raise PermissionDenied
    key = label_key(label)
    if not key:
        raise ValidationError({"label": _("This field is required.")})
    mapping, created = ProgrammeMapping.objects.update_or_create(
        organisation=organisation,
        label_key=key,
        defaults={"label": label[:200], "programme": programme, "created_by": user},
    )
    action = audit.Action.CREATE if created else audit.Action.UPDATE
    audit.record(action, user, mapping, details={"label": label[:200], "programme": programme.pk})
    return mapping
