"""Deduplication pages: the review queue, the batch run, likely matches while registering, spreadsheet checks.

Every read and write goes through `dedup_services` and `dedupe_file`, which check access and audit.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kafaat.core import access
from kafaat.registry import list_audit
from kafaat.registry.access_rules import CHANGE_PERSON
from kafaat.registry.dedup import matches_panel, transliterate_arabic
from kafaat.registry.dedup import runs as dedup_runs
from kafaat.registry.dedup import services as dedup_services
from kafaat.registry.dedup import spreadsheet as dedupe_file
from kafaat.registry.dedup_access import REVIEW_DUPLICATES
from kafaat.registry.models import DedupSettings

PAGE_SIZE = 20


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def review(request):
    access.require(request.user, REVIEW_DUPLICATES)
    page = Paginator(dedup_services.reviewable(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    for candidate in page:
        candidate.people = (candidate.person_a, candidate.person_b)
        for person in candidate.people:
            person.transliterated = transliterate_arabic(person.name_ar) if person.name_ar else ""
    merges = list(dedup_services.recent_merges(request.user)[:10])
    shown = [person.pk for candidate in page for person in candidate.people]
    list_audit.record_list(
        request.user, shown + [pk for m in merges for pk in (m.survivor_id, m.merged_id)], shown="duplicates"
    )
    context = {
        "page": page,
        "hidden": dedup_services.hidden_count(request.user),
        "state": dedup_runs.latest(),
        "merges": merges,
        "settings": DedupSettings.current(),
        "can_set_thresholds": request.user.is_superuser,
    }
    return render(request, "registry/review.html", context)


@require_POST
def review_decide(request, pk: int):
    decision = request.POST.get("decision")
    try:
        if decision == "merge":
            record = dedup_services.accept(request.user, pk)
            messages.success(
                request, _("The records are merged into %(name)s.") % {"name": record.survivor.display_name}
            )
        elif decision == "reject":
            dedup_services.reject(request.user, pk)
            messages.success(request, _("The pair will not be proposed again."))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect("registry:review")


@require_POST
def merge_undo(request, pk: int):
    try:
        dedup_services.undo(request.user, pk)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The merge is undone: both records are back as they were."))
    return redirect("registry:review")


def run_status(request):
    """The latest run's state for the review page, polled (htmx) while it runs; when the poll finds it ended,
    the response says so (HX-Trigger), and the page reloads its list of pairs."""
    access.require(request.user, REVIEW_DUPLICATES)
    state = dedup_runs.latest()
    response = render(request, "registry/_run_status.html", {"state": state})
    if request.htmx and not state.running:
        response["HX-Trigger"] = "dedupe-run-finished"
    return response


@require_POST
def run_start(request):
    try:
        dedup_services.start_run(request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Deduplication started: new pairs appear here when it ends."))
    return redirect("registry:review")


@require_POST
def thresholds(request):
    if not request.user.is_superuser:
        raise PermissionDenied

    def number(name: str) -> str:
        return request.POST.get(name, "").strip().replace(",", ".")  # 0,5 as French and Arabic users write it

    try:
        review_at = float(number("review_threshold"))
        raw_auto = number("auto_merge_threshold")
        dedup_services.update_thresholds(request.user, review_at, float(raw_auto) if raw_auto else None)
    except ValueError:
        messages.error(request, _("Write the thresholds as numbers between 0 and 1, e.g. 0.5."))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The thresholds are saved."))
    return redirect("registry:review")


def likely_matches(request):
    """The registration form's side panel (htmx): likely existing records of the person being typed."""
    access.require(request.user, CHANGE_PERSON)
    panel = matches_panel.likely_matches(request.user, request.GET)
    return render(request, "registry/_matches.html", {"found": panel.found, "refused": panel.refused})


# --- Spreadsheet deduplication ------------------------------------------------------------------------------


def dedupe_upload(request):
    access.require(request.user, CHANGE_PERSON)
    error = ""
    if request.method == "POST" and request.FILES.get("file"):
        try:
            job = dedupe_file.save_upload(request.user, request.FILES["file"])
        except ValueError as exc:
            error = str(exc)
        else:
            return redirect("registry:dedupe_file_job", job_id=job.id)
    return render(request, "registry/dedupe_file.html", {"error": error, "max_mb": dedupe_file.MAX_UPLOAD_MB})


def dedupe_job(request, job_id: str):
    access.require(request.user, CHANGE_PERSON)
    job = dedupe_file.get_job(request.user, job_id)
    if job is None:
        raise Http404
    if request.method == "POST" and job.status == "mapping":
        mapping = {
            column: request.POST.get(f"map_{i}", "")
            for i, column in enumerate(job.columns)
            if request.POST.get(f"map_{i}")
        }
        try:
            dedupe_file.start(job, mapping, id_column=request.POST.get("id_column", ""), user=request.user)
        except ValueError as exc:
            messages.error(request, str(exc))
        return redirect("registry:dedupe_file_job", job_id=job.id)
    template = "registry/dedupe_file_progress.html" if request.htmx else "registry/dedupe_file_job.html"
    context = {
        "job": job,
        "fields": dedupe_file.FIELD_CHOICES,
        "guesses": dedupe_file.guess_mapping(job.columns),
    }
    return render(request, template, context)


def dedupe_download(request, job_id: str):
    access.require(request.user, CHANGE_PERSON)
    job = dedupe_file.get_job(request.user, job_id)
    if job is None or job.status != "done":
        raise Http404
    pairs = request.GET.get("file") == "pairs"
    path = Path(job.summary["pairs_out"] if pairs else job.result_path)
    name = "clusters_pairs.csv" if pairs else "clusters.csv"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type="text/csv")
