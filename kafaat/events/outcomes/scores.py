"""Knowledge tests (before and after) and the satisfaction survey of an event, and their summaries.

A score is a percentage, 0 to 100, entered per registrant and test (pre, post); the gain of a person is post
minus pre, the gain of an event the mean gain of those who have both (their number is always given beside
it). Survey answers are 1–5 per item; an anonymous answer keeps no registration, so nobody can tell whose it
is, not even the organiser. Summaries shown to aggregate-only readers (donors, analysts: they may see the
event but not its participants) hide any figure resting on fewer than 5 answers (`results.suppression`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from statistics import fmean

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.events.access_rules import MANAGE_EVENTS, VIEW_EVENTS, VIEW_PARTICIPANTS
from kafaat.events.models import Event, KnowledgeScore, Registration, SurveyResponse, TestPhase
from kafaat.results.suppression import THRESHOLD, suppress_1d

SURVEY_ITEMS = ("overall", "content", "organisation", "usefulness")
GAIN_BANDS = ("< 0", "0–9", "10–19", "20–29", "≥ 30")


def parse_score(value) -> Decimal | None:
    """A score as typed or imported ("72", "72,5", 72.5); None when empty. ValueError says what is wrong."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(_("Write a score between 0 and 100."))
    text = str(value).strip().replace(",", ".").removesuffix("%").strip()
    try:
        score = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(_("Write a score between 0 and 100.")) from exc
    if not score.is_finite() or score < 0 or score > 100:
        raise ValueError(_("A score is between 0 and 100; %(value)s is not.") % {"value": text[:20]})
    return score.quantize(Decimal("0.01"))


def save_scores(user, event: Event, entries: dict[int, dict[str, object]]) -> int:
    """Scores of many registrants at once ({registration id: {"pre": …, "post": …}}), all or nothing: a
    ValidationError lists every bad entry by registration. An empty value removes that score. Returns how
    many scores changed."""
    access.require(user, MANAGE_EVENTS, event)
    registrations = {r.pk: r for r in event.registrations.filter(pk__in=list(entries))}
    errors: dict[str, list[str]] = {}
    parsed: dict[int, dict[str, Decimal | None]] = {}
    for registration_id, values in entries.items():
        if registration_id not in registrations:
            errors[str(registration_id)] = [_("Not a registrant of this event.")]
            continue
        for phase in TestPhase.values:
            if phase not in values:
                continue
            try:
                parsed.setdefault(registration_id, {})[phase] = parse_score(values[phase])
            except ValueError as error:
                errors.setdefault(f"{registration_id}-{phase}", []).append(str(error))
    if errors:
        raise ValidationError(errors)
    return _write_scores(user, event, parsed)


def _write_scores(user, event: Event, parsed: dict[int, dict[str, Decimal | None]]) -> int:
    existing = {
        (s.registration_id, s.phase): s
        for s in KnowledgeScore.objects.filter(registration__event=event, registration_id__in=list(parsed))
    }
    changed: list[int] = []
    with transaction.atomic():
        for registration_id, phases in parsed.items():
            for phase, score in phases.items():
                current = existing.get((registration_id, phase))
                if score is None:
                    if current is not None:
                        current.delete()
                        changed.append(registration_id)
                elif current is None:
                    KnowledgeScore.objects.create(registration_id=registration_id, phase=phase, score=score)
                    changed.append(registration_id)
                elif current.score != score:
                    current.score = score
                    current.save(update_fields=["score", "recorded_at"])
                    changed.append(registration_id)
        if changed:
            audit.record_bulk("update", user, KnowledgeScore, changed, details={"event": event.pk})
    return len(changed)


@dataclass(frozen=True)
class PersonScores:
    registration: Registration
    pre: Decimal | None
    post: Decimal | None

    @property
    def gain(self) -> Decimal | None:
        return None if self.pre is None or self.post is None else self.post - self.pre


def scores_of(event: Event) -> dict[int, PersonScores]:
    """Each registrant's scores (None where not entered), keyed by registration."""
    found: dict[tuple[int, str], Decimal] = {
        (registration_id, phase): score
        for registration_id, phase, score in KnowledgeScore.objects.filter(
            registration__event=event
        ).values_list("registration_id", "phase", "score")
    }
    return {
        r.pk: PersonScores(r, found.get((r.pk, TestPhase.PRE)), found.get((r.pk, TestPhase.POST)))
        for r in event.registrations.all()
    }


def _band(gain: Decimal) -> str:
    if gain < 0:
        return GAIN_BANDS[0]
    return GAIN_BANDS[min(int(gain // 10) + 1, 4)]


@dataclass
class Summary:
    """What a summary page shows; figures are None when hidden (fewer than 5 answers for an aggregate-only
    reader) — `suppressed` says so, and the page says why."""

    n: int | None
    averages: dict[str, float | None] = field(default_factory=dict)
    distribution: dict[str, int | None] = field(default_factory=dict)
    suppressed: bool = False


def knowledge_summary(event: Event, *, suppress: bool) -> Summary:
    """n: registrants with both scores; averages: mean pre, mean post, mean gain (of those with both)."""
    people = [p for p in scores_of(event).values() if p.gain is not None]
    n = len(people)
    averages = {
        "pre": fmean(float(p.pre) for p in people) if people else None,
        "post": fmean(float(p.post) for p in people) if people else None,
        "gain": fmean(float(p.gain) for p in people) if people else None,
    }
    counts = Counter(_band(p.gain) for p in people)
    distribution = {band: counts.get(band, 0) for band in GAIN_BANDS}
    return _suppressed(Summary(n, averages, distribution), suppress)


def survey_summary(event: Event, *, suppress: bool) -> Summary:
    """n: answers; averages per item (of those who answered it); distribution of overall satisfaction."""
    answers = list(event.survey_responses.values(*SURVEY_ITEMS))
    averages = {}
    for item in SURVEY_ITEMS:
        given = [a[item] for a in answers if a[item] is not None]
        averages[item] = fmean(given) if given else None
    counts = Counter(a["overall"] for a in answers)
    distribution = {str(level): counts.get(level, 0) for level in range(1, 6)}
    return _suppressed(Summary(len(answers), averages, distribution), suppress)


def _suppressed(summary: Summary, suppress: bool) -> Summary:
    if not suppress:
        return summary
    if summary.n is not None and summary.n < THRESHOLD:
        return Summary(None, dict.fromkeys(summary.averages), dict.fromkeys(summary.distribution), True)
    table = suppress_1d({k: v or 0 for k, v in summary.distribution.items()})
    summary.distribution = {k: cell.value for k, cell in table.cells.items()}
    summary.suppressed = table.any_suppressed
    return summary


def summaries_for(user, event: Event) -> tuple[Summary, Summary]:
    """The two summaries as `user` may see them: whole for who sees the participants, suppressed else."""
    access.require(user, VIEW_EVENTS, event)
    suppress = not access.has_permission(user, VIEW_PARTICIPANTS, event)
    return knowledge_summary(event, suppress=suppress), survey_summary(event, suppress=suppress)


# --- The satisfaction survey -------------------------------------------------------------------------------


def parse_rating(value, *, required: bool = False) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValueError(_("This answer is required (1 to 5)."))
        return None
    text = str(value).strip().removesuffix(".0")
    if isinstance(value, bool) or not text.isdigit() or not 1 <= int(text) <= 5:
        raise ValueError(_("Answer with a whole number from 1 to 5."))
    return int(text)


def clean_answer(values: dict) -> tuple[dict, dict[str, str]]:
    """A survey answer's ratings and comment, and the errors by item."""
    answer, errors = {}, {}
    for item in SURVEY_ITEMS:
        try:
            answer[item] = parse_rating(values.get(item), required=item == "overall")
        except ValueError as error:
            errors[item] = str(error)
    comment = str(values.get("comment") or "").strip()
    if len(comment) > 2000:
        errors["comment"] = _("At most 2,000 characters.")
    answer["comment"] = comment[:2000]
    return answer, errors


def record_survey(
    user, event: Event, values: dict, *, registration: Registration | None = None
) -> SurveyResponse:
    """One answer. With a registration it is that registrant's (answering again replaces it); without, it is
    anonymous: nothing links it to anyone."""
    access.require(user, MANAGE_EVENTS, event)
    answer, errors = clean_answer(values)
    if registration is not None and registration.event_id != event.pk:
        errors["registration"] = _("Not a registrant of this event.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if registration is not None:
            response, created = SurveyResponse.objects.update_or_create(
                registration=registration, defaults={"event": event, **answer}
            )
        else:
            response, created = SurveyResponse.objects.create(event=event, **answer), True
    # The audit names the event, never the answer's registrant: an anonymous answer stays anonymous.
    audit.record("create" if created else "update", user, event, details={"survey_response": response.pk})
    return response
