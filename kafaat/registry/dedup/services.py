"""Deduplication of the registry: the batch run, the review queue and the likely matches at registration.

No HTTP here. Pairs are listed only to users who may see both people; a pair across organisations that a
user cannot see whole is only counted for them.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kafaat.core import access, audit, crypto, jobs
from kafaat.registry import normalise, services
from kafaat.registry.dedup import keys as linkage_keys
from kafaat.registry.dedup import linkage, match_keys, merging
from kafaat.registry.dedup.match_keys import registry_records
from kafaat.registry.dedup_access import REVIEW_DUPLICATES
from kafaat.registry.models import DedupSettings, LinkageRun, MatchCandidate, Merge, Person, PersonAccess
from kafaat.registry.validation import territory_index

# --- The batch run ------------------------------------------------------------------------------------------


def may_run(actor) -> bool:
    return access.has_permission(actor, REVIEW_DUPLICATES)


def start_run(actor, *, background: bool = True) -> LinkageRun:
    """Start deduplicating the whole registry (a job in the worker for the page, inline for the command)."""
    if actor is not None and not may_run(actor):
        raise PermissionDenied
    if LinkageRun.objects.filter(status=LinkageRun.Status.RUNNING).exists():
        raise ValidationError(_("A deduplication is already running."))
    run = LinkageRun.objects.create(started_by=actor if getattr(actor, "is_authenticated", False) else None)
    audit.record(audit.Action.CREATE, actor, run, details={"operation": "deduplicate"})
    if background:
        jobs.enqueue(JOB_KIND, user=actor, target=run.pk)
    else:
        execute_run(run)
    return run


JOB_KIND = "registry.dedupe"


def _run_job(job, progress: jobs.Progress) -> jobs.Outcome:
    run = execute_run(
        LinkageRun.objects.get(pk=job.target),
        progress=lambda step, share: progress(round(share * 100), 100, step),
    )
    return jobs.Outcome(
        message=_("%(pairs)s pairs found, %(merged)s merged automatically.")
        % {"pairs": run.pairs, "merged": run.auto_merged}
    )


def _job_failed(job, message: str) -> None:
    LinkageRun.objects.filter(pk=job.target, status=LinkageRun.Status.RUNNING).update(
        status=LinkageRun.Status.FAILED, message=message, finished_at=timezone.now()
    )


def _retry_job(job) -> None:
    # Pairs are saved per couple of people, in one transaction: running the same run again adds no double.
    if LinkageRun.objects.filter(status=LinkageRun.Status.RUNNING).exclude(pk=job.target).exists():
        raise ValidationError(_("A deduplication is already running."))
    LinkageRun.objects.filter(pk=job.target).update(
        status=LinkageRun.Status.RUNNING, message="", finished_at=None
    )


def register_jobs() -> None:
    jobs.register(
        jobs.JobKind(
            name=JOB_KIND,
            label=gettext_lazy("Deduplication of the registry"),
            run=_run_job,
            failed=_job_failed,
            retry=_retry_job,
            link=lambda job: reverse("registry:review"),
        )
    )


def execute_run(run: LinkageRun, progress: Callable[[str, float], None] | None = None) -> LinkageRun:
    started = time.monotonic()
    try:
        records = registry_records()
        settings = DedupSettings.current()
        prepared = linkage.prepare(records)
        match_keys.store_frequencies_of(prepared)  # the registration-time scorer's, at no extra cost
        result = linkage.link(prepared, review_threshold=settings.review_threshold, progress=progress)
        run.records, run.pairs = records.num_rows, result.pairs.num_rows
        run.clusters = len(set(result.clusters["cluster_id"].to_pylist()))
        save_candidates(run, result)
        run.auto_merged = auto_merge(run, settings.auto_merge_threshold)
        run.status = LinkageRun.Status.DONE
    except Exception as error:  # the run's page shows what failed; the command re-raises
        run.status, run.message = LinkageRun.Status.FAILED, str(error)[:2000]
        raise
    finally:
        run.finished_at, run.seconds = timezone.now(), time.monotonic() - started
        run.save()
    return run


def _organisations_by_person(ids: list[int]) -> dict[int, set[int]]:
    seen: dict[int, set[int]] = {}
    for person_id, organisation_id in PersonAccess.objects.filter(
        person_id__in=ids, is_active=True
    ).values_list("person_id", "organisation_id"):
        seen.setdefault(person_id, set()).add(organisation_id)
    return seen


@transaction.atomic
def save_candidates(run: LinkageRun, result: linkage.LinkageResult) -> int:
    """Store the pairs as review candidates; a pair already decided (merged, rejected) is never proposed
    again, a pending one gets the new probability."""
    cluster_of = dict(
        zip(result.clusters["unique_id"].to_pylist(), result.clusters["cluster_id"].to_pylist(), strict=True)
    )
    rows = result.pairs.to_pylist()
    ids = sorted({row["unique_id_l"] for row in rows} | {row["unique_id_r"] for row in rows})
    organisations = _organisations_by_person(ids)
    existing = {
        (a, b): (pk, status)
        for pk, a, b, status in MatchCandidate.objects.filter(person_a_id__in=ids).values_list(
            "pk", "person_a_id", "person_b_id", "status"
        )
    }
    new, updated = [], []
    clusters = {value: i for i, value in enumerate(sorted({str(v) for v in cluster_of.values()}))}
    for row in rows:
        a, b = sorted((row["unique_id_l"], row["unique_id_r"]))
        cross = not (organisations.get(a, set()) & organisations.get(b, set()))
        values = {
            "probability": row["match_probability"],
            "agreed": [r for r in (row["agreed"] or "").split("; ") if r],
            "cluster": clusters.get(str(cluster_of.get(a))),
            "cross_organisation": cross,
            "run": run,
        }
        if (a, b) in existing:
            pk, status = existing[(a, b)]
            if status == MatchCandidate.Status.PENDING:
                updated.append(MatchCandidate(pk=pk, person_a_id=a, person_b_id=b, **values))
        else:
            new.append(MatchCandidate(person_a_id=a, person_b_id=b, **values))
    MatchCandidate.objects.bulk_create(new, batch_size=5000)
    MatchCandidate.objects.bulk_update(
        updated, ["probability", "agreed", "cluster", "cross_organisation", "run"], batch_size=5000
    )
    audit.record_bulk(
        audit.Action.BULK_CREATE,
        None,
        MatchCandidate,
        [c.pk for c in new],
        details={"run": run.pk, "updated": len(updated)},
    )
    return len(new)


def auto_merge(run: LinkageRun, threshold: float | None) -> int:
    """Merge without review the pending pairs at or above the administrator's threshold (none if unset)."""
    if threshold is None:
        return 0
    merged = 0
    pending = MatchCandidate.objects.filter(status=MatchCandidate.Status.PENDING, probability__gte=threshold)
    for candidate in pending.order_by("-probability"):
        a, b = Person.objects.get(pk=candidate.person_a_id), Person.objects.get(pk=candidate.person_b_id)
        if a.merged_into_id or b.merged_into_id:
            continue  # an earlier merge of this run took one of them
        survivor, duplicate = merging.choose_survivor(a, b)
        merging.merge(run.started_by, survivor, duplicate, candidate=candidate, automatic=True)
        merged += 1
    return merged


# --- The review queue ---------------------------------------------------------------------------------------


def _pairs_in_sight(actor) -> QuerySet[MatchCandidate]:
    """Pending pairs whose two people the actor may see, whatever their role: the scope of a look-up by id."""
    visible = services.visible_people(actor).values("pk")
    return MatchCandidate.objects.filter(
        status=MatchCandidate.Status.PENDING, person_a__in=visible, person_b__in=visible
    )


def reviewable(actor) -> QuerySet[MatchCandidate]:
    """Pending pairs whose two people the actor may see; merged records drop out."""
    access.require(actor, REVIEW_DUPLICATES)
    return _pairs_in_sight(actor).select_related(
            "person_a__territory", "person_b__territory", "person_a__registered_by", "person_b__registered_by"
    )  # fmt: skip


def hidden_count(actor) -> int:
    """Pending pairs with one person the actor sees and one they do not: reported as a number only."""
    visible = services.visible_people(actor).values("pk")
    pending = MatchCandidate.objects.filter(
        status=MatchCandidate.Status.PENDING,
        person_a__merged_into__isnull=True,
        person_b__merged_into__isnull=True,
    )
    return pending.filter(
        (Q(person_a__in=visible) & ~Q(person_b__in=visible))
        | (~Q(person_a__in=visible) & Q(person_b__in=visible))
    ).count()


def _candidate_for(actor, candidate_id: int) -> MatchCandidate:
    """A pair out of the actor's sight is a 404 (its existence is not revealed); one in sight that the
    actor's role may not review is a 403."""
    if not _pairs_in_sight(actor).filter(pk=candidate_id).exists():
        raise access.OutOfScope(MatchCandidate, candidate_id)
    access.require(actor, REVIEW_DUPLICATES)
    return reviewable(actor).get(pk=candidate_id)


def accept(actor, candidate_id: int) -> Merge:
    candidate = _candidate_for(actor, candidate_id)
    survivor, duplicate = merging.choose_survivor(candidate.person_a, candidate.person_b)
    return merging.merge(actor, survivor, duplicate, candidate=candidate)


def reject(actor, candidate_id: int) -> MatchCandidate:
    """Not the same person: the pair is never proposed again."""
    candidate = _candidate_for(actor, candidate_id)
    candidate.status, candidate.reviewed_by, candidate.reviewed_at = (
        MatchCandidate.Status.REJECTED, actor, timezone.now(),
    )  # fmt: skip
    candidate.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    audit.record(audit.Action.UPDATE, actor, candidate, details={"operation": "reject"})
    return candidate


def recent_merges(actor) -> QuerySet[Merge]:
    visible = services.visible_people(actor).values("pk")
    return Merge.objects.filter(undone_at__isnull=True, survivor__in=visible).select_related(
        "survivor", "merged"
    )


def undo(actor, merge_id: int) -> Merge:
    """A merge out of the actor's sight is a 404; undoing one in sight takes the review permission."""
    record = recent_merges(actor).filter(pk=merge_id).first()
    if record is None:
        raise access.OutOfScope(Merge, merge_id)
    access.require(actor, REVIEW_DUPLICATES)
    return merging.unmerge(actor, record)


def update_thresholds(actor, review: float, auto_merge_at: float | None) -> DedupSettings:
    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied
    if not 0 < review < 1 or (auto_merge_at is not None and not review <= auto_merge_at <= 1):
        raise ValidationError(_("Thresholds lie between 0 and 1, the automatic one above the review one."))
    settings = DedupSettings.current()
    settings.review_threshold, settings.auto_merge_threshold, settings.updated_by = (
        review,
        auto_merge_at,
        actor,
    )
    settings.save()
    audit.record(
        audit.Action.UPDATE, actor, settings, details={"review": review, "auto_merge": auto_merge_at}
    )
    return settings


# --- Likely matches while registering -----------------------------------------------------------------------

_CODE_IN_LABEL = re.compile(r"\(([A-Z0-9_.\-]+)\)\s*$")


TYPED_FIELDS = (
    "first_name_ar", "last_name_ar", "first_name_latin", "last_name_latin", "sex", "birth_date", "age",
    "commune", "phone", "phone_alt", "id_type", "id_number",
)  # fmt: skip
TYPED_MAX_LENGTH = 100  # a name field's length (NameField); phones and documents are shorter


@dataclass
class LikelyMatches:
    people: list[tuple[Person, float, list[str]]]
    elsewhere: int | None  # likely matches in records the actor may not see; None when not counted


def territory_typed(text: str):
    """The territory a registration form's commune field names ("Oujda", or a label ending in "(CODE)")."""
    text = (text or "").strip()
    if not text:
        return None
    code = _CODE_IN_LABEL.search(text)
    return territory_index().find(code.group(1) if code else text)


def query_record(raw: Mapping[str, Any]) -> pa.Table:
    """The registration form's values (as typed) as a one-row prepared table, like the registry's records."""
    commune, province = None, None
    territory = territory_typed(raw.get("commune") or "")
    if territory is not None:  # a commune and its province, or a province alone (codes, no query)
        commune = territory.code if territory.level == "commune" else None
        province = (territory.parent_code or territory.code) if commune else territory.code
    id_hash = ""
    number = linkage_keys.id_key(raw.get("id_number"), raw.get("id_type") or "")
    if number:
        id_type = raw.get("id_type") or "cin"
        try:
            id_hash = crypto.keyed_hash(
                normalise.id_lookup_key(id_type, normalise.normalise_id_number(id_type, number))
            )
        except ValueError:
            id_hash = ""
    birth = raw.get("birth_date") or ""
    if not birth and (raw.get("age") or "").strip().isdigit():
        birth = f"{raw['age'].strip()} ans"
    row = {
        "unique_id": 0,
        "commune": commune,
        "province": province,
        "id_hash": id_hash or None,
        "birth_date": birth,
    }
    for name in (
        "first_name_ar",
        "last_name_ar",
        "first_name_latin",
        "last_name_latin",
        "sex",
        "phone",
        "phone_alt",
    ):
        row[name] = (raw.get(name) or "").strip()
    return linkage.prepare(pa.Table.from_pylist([row]), reference_year=date.today().year)


def likely_matches(
    actor, raw: Mapping[str, Any], *, limit: int = 5, count_elsewhere: bool = True
) -> LikelyMatches:
    """People who may already be registered as the one being typed in; others' records only counted, and
    only when `count_elsewhere` (the panel's rule on when it may count them: `matches_panel`)."""
    if not any(
        (raw.get(k) or "").strip()
        for k in (
            "first_name_ar",
            "last_name_ar",
            "first_name_latin",
            "last_name_latin",
            "phone",
            "id_number",
        )
    ):
        return LikelyMatches([], 0 if count_elsewhere else None)
    # Only what the form has, each value as long as a name may be: a pasted page is not compared whole.
    typed = {key: str(raw.get(key) or "")[:TYPED_MAX_LENGTH] for key in TYPED_FIELDS}
    found = match_keys.matches(query_record(typed), threshold=0.3, limit=50)
    scores = {row["unique_id"]: (row["probability"], row["agreed"]) for row in found}
    alive = Person.objects.filter(pk__in=scores, merged_into__isnull=True)
    visible = list(
        services.visible_people(actor)
        .filter(pk__in=alive.values("pk"))
        .select_related("territory", "registered_by")
    )
    elsewhere = alive.exclude(pk__in=[p.pk for p in visible]).count() if count_elsewhere else None
    ranked = sorted(((p, *scores[p.pk]) for p in visible), key=lambda item: -item[1])
    return LikelyMatches(ranked[:limit], elsewhere)


def cross_organisation_visible(actor) -> QuerySet[MatchCandidate]:
    """The pending pairs across organisations that the actor sees whole (for the national view)."""
    return reviewable(actor).filter(cross_organisation=True)
