"""Importing an event's knowledge-test scores and satisfaction answers from a spreadsheet (CSV or XLSX)
through the import framework: every row checked, nothing written if any row is bad, re-importing the same
file changes nothing.

Scores: one row per registrant, found by the code on their badge (unique, printed on the sign-in sheet's
badges), with the pre-test and post-test scores (0–100; empty: not taken). A row equal to what is stored is
"already imported"; a different score replaces the stored one (audited).

Survey answers: one row per questionnaire. A badge code links the answer to its registrant (answering again
replaces it); an empty badge code makes it anonymous — no link is kept. Anonymous answers have no key: the
same answers already there are counted off (a file's k identical answers add k minus those already stored),
so re-importing a file adds nothing; import all the questionnaires of an event in one file.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kafaat.core import access, audit
from kafaat.core.imports import Column, ImportSpec, Outcome, background
from kafaat.core.models import ImportJob
from kafaat.events.access_rules import MANAGE_EVENTS
from kafaat.events.models import Event, KnowledgeScore, SurveyResponse, TestPhase
from kafaat.events.outcomes.scores import SURVEY_ITEMS, clean_answer, parse_score

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCORES_KIND = "event_scores"
SURVEY_KIND = "event_survey"
_SCORE = gettext_lazy("0 to 100 (a comma or a point for decimals); empty: not taken")
_RATING = gettext_lazy("a whole number from 1 to 5")
_BADGE_HEADERS = {"fr": "Code badge", "ar": "رمز الشارة", "en": "Badge code"}
_BADGE = gettext_lazy("The code printed on the participant's badge.")

SCORE_COLUMNS = (
    Column("badge_code", _BADGE_HEADERS, ("badge", "code"), True,
           _BADGE, "", ("7KQ2MX9PRT", "H4WN3ZB8CE")),
    Column("name", {"fr": "Nom", "ar": "الاسم", "en": "Name"}, ("nom",),
           False, gettext_lazy("For the reader only: not checked."), "", ("Karim Alaoui", "Salma Idrissi")),
    Column("pre", {"fr": "Score avant", "ar": "النتيجة القبلية", "en": "Pre-test score"},
           ("pre-test", "pré-test", "avant", "pre"), False, gettext_lazy("The score before the event."),
           _SCORE, (45, "52,5")),
    Column("post", {"fr": "Score après", "ar": "النتيجة البعدية", "en": "Post-test score"},
           ("post-test", "post-test", "après", "post"), False, gettext_lazy("The score after the event."),
           _SCORE, (70, 81)),
)  # fmt: skip
_ITEM_HEADERS = {
    "overall": ({"fr": "Satisfaction globale", "ar": "الرضا العام", "en": "Overall satisfaction"}, True),
    "content": ({"fr": "Contenu", "ar": "المحتوى", "en": "Content"}, False),
    "organisation": ({"fr": "Organisation", "ar": "التنظيم", "en": "Organisation"}, False),
    "usefulness": ({"fr": "Utilité", "ar": "الفائدة", "en": "Usefulness"}, False),
}
SURVEY_COLUMNS = (
    Column("badge_code", _BADGE_HEADERS, ("badge", "code"), False,
           gettext_lazy("The participant's badge code; leave it empty for an anonymous answer."), "",
           ("", "H4WN3ZB8CE")),
    *(Column(item, headers, (), required, gettext_lazy("Rating."), _RATING, (4, 5))
      for item, (headers, required) in _ITEM_HEADERS.items()),
    Column("comment", {"fr": "Commentaire", "ar": "تعليق", "en": "Comment"}, (), False,
           gettext_lazy("Free text, at most 2,000 characters."), "", ("", "")),
)  # fmt: skip


class _EventImport(ImportSpec):
    def __init__(self, user, event: Event, *, language: str = "fr"):
        if not access.has_permission(user, MANAGE_EVENTS, event):
            raise PermissionDenied
        self.user, self.event, self.language = user, event, language
        self.badges = {code.upper(): pk for pk, code in event.registrations.values_list("pk", "badge_code")}
        self.seen: dict[str, int] = {}

    def _registration(self, outcome: Outcome, code: str) -> int | None:
        registration_id = self.badges.get(code.upper())
        if registration_id is None:
            outcome.errors["badge_code"] = _("No registrant of this event has the badge code %(code)s.") % {
                "code": code[:20]
            }
            return None
        if code.upper() in self.seen:
            outcome.errors["badge_code"] = _("Same badge code as row %(row)s.") % {
                "row": self.seen[code.upper()]
            }
            return None
        self.seen[code.upper()] = outcome.row
        return registration_id


class ScoreImport(_EventImport):
    kind = SCORES_KIND
    columns = SCORE_COLUMNS
    required_groups = (("badge_code",), ("pre", "post"))

    def __init__(self, user, event: Event, *, language: str = "fr"):
        super().__init__(user, event, language=language)
        self.stored = {
            (registration_id, phase): score
            for registration_id, phase, score in KnowledgeScore.objects.filter(
                registration__event=event
            ).values_list("registration_id", "phase", "score")
        }
        self.changed: list[int] = []

    @staticmethod
    def validate_rows(state, rows) -> list[Outcome]:
        outcomes = []
        for number, raw in rows:
            errors, scores = {}, {}
            code = str(raw.get("badge_code") or "").strip()
            if not code:
                errors["badge_code"] = _("This field is required.")
            for phase in TestPhase.values:
                if phase not in raw:
                    continue
                try:
                    scores[phase] = parse_score(raw.get(phase))
                except ValueError as error:
                    errors[phase] = str(error)
            if not errors and all(value is None for value in scores.values()):
                errors["pre"] = _("The row gives no score.")
            outcomes.append(Outcome(number, errors, key=code, record=scores))
        return outcomes

    def check(self, outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            if outcome.errors:
                continue
            registration_id = self._registration(outcome, outcome.key)
            if registration_id is None:
                continue
            scores = {phase: score for phase, score in outcome.record.items() if score is not None}
            if all(self.stored.get((registration_id, phase)) == score for phase, score in scores.items()):
                outcome.skipped = True
                continue
            outcome.record = (registration_id, scores)

    def write(self, records: list, progress) -> int:
        for done, (registration_id, scores) in enumerate(records, start=1):
            for phase, score in scores.items():
                KnowledgeScore.objects.update_or_create(
                    registration_id=registration_id, phase=phase, defaults={"score": Decimal(score)}
                )
            self.changed.append(registration_id)
            progress(done)
        return len(records)

    def finish(self) -> None:
        if self.changed:
            audit.record_bulk(
                "import", self.user, KnowledgeScore, self.changed, details={"event": self.event.pk}
            )


class SurveyImport(_EventImport):
    kind = SURVEY_KIND
    columns = SURVEY_COLUMNS
    required_groups = (("overall",),)

    def __init__(self, user, event: Event, *, language: str = "fr"):
        super().__init__(user, event, language=language)
        self.named = {
            r.registration_id: r
            for r in SurveyResponse.objects.filter(event=event, registration__isnull=False)
        }
        self.anonymous_stored = Counter(
            _signature(answer)
            for answer in SurveyResponse.objects.filter(event=event, registration__isnull=True).values(
                *SURVEY_ITEMS, "comment"
            )
        )
        self.anonymous_in_file: Counter = Counter()
        self.written_ids: list[int] = []

    @staticmethod
    def validate_rows(state, rows) -> list[Outcome]:
        outcomes = []
        for number, raw in rows:
            answer, errors = clean_answer(raw)
            code = str(raw.get("badge_code") or "").strip()
            outcomes.append(Outcome(number, errors, key=code, record=answer))
        return outcomes

    def check(self, outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            if outcome.errors:
                continue
            answer = outcome.record
            if not outcome.key:
                signature = _signature(answer)
                self.anonymous_in_file[signature] += 1
                if self.anonymous_in_file[signature] <= self.anonymous_stored[signature]:
                    outcome.skipped = True
                else:
                    outcome.record = (None, answer)
                continue
            registration_id = self._registration(outcome, outcome.key)
            if registration_id is None:
                continue
            stored = self.named.get(registration_id)
            if stored is not None and _signature(_answer_of(stored)) == _signature(answer):
                outcome.skipped = True
                continue
            outcome.record = (registration_id, answer)

    def write(self, records: list, progress) -> int:
        for done, (registration_id, answer) in enumerate(records, start=1):
            if registration_id is None:
                response = SurveyResponse.objects.create(event=self.event, **answer)
            else:
                response, _created = SurveyResponse.objects.update_or_create(
                    registration_id=registration_id, defaults={"event": self.event, **answer}
                )
            self.written_ids.append(response.pk)
            progress(done)
        return len(records)

    def finish(self) -> None:
        if self.written_ids:
            audit.record_bulk(
                "import", self.user, SurveyResponse, self.written_ids, details={"event": self.event.pk}
            )


def _signature(answer: dict) -> tuple:
    return (*(answer.get(item) for item in SURVEY_ITEMS), (answer.get("comment") or "").strip())


def _answer_of(response: SurveyResponse) -> dict:
    return {**{item: getattr(response, item) for item in SURVEY_ITEMS}, "comment": response.comment}


# --- As jobs of the import pages --------------------------------------------------------------------------


def _event_of(job: ImportJob) -> Event:
    event = Event.objects.filter(pk=(job.details or {}).get("event")).first()
    if event is None:
        raise ValidationError(_("The event of this import no longer exists."))
    return event


def register_imports() -> None:
    background.register(
        background.ImportKind(
            name=SCORES_KIND,
            label=gettext_lazy("Knowledge test scores"),
            spec=lambda job: ScoreImport(job.user, _event_of(job), language=job.language),
            page="events:documents_import_job",
            details=lambda spec: {"event": spec.event.pk},
        )
    )
    background.register(
        background.ImportKind(
            name=SURVEY_KIND,
            label=gettext_lazy("Satisfaction survey answers"),
            spec=lambda job: SurveyImport(job.user, _event_of(job), language=job.language),
            page="events:documents_import_job",
            details=lambda spec: {"event": spec.event.pk},
        )
    )


def start_import(user, event: Event, kind: str, upload, *, dry_run: bool = False) -> ImportJob:
    if not access.has_permission(user, MANAGE_EVENTS, event):
        raise access.Refused(MANAGE_EVENTS, event)
    job = background.new_job(
        user, event.organiser, kind, upload, dry_run=dry_run, details={"event": event.pk}
    )
    return background.start(job, kind)
