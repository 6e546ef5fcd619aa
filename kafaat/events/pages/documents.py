"""Pages of an event's documents, scores and survey, and the trainers page.

Every page finds the event through the access mechanism (out of scope: 404). Documents that print names
(sign-in sheet, badges, certificates) need VIEW_PARTICIPANTS and are audited as reads; entering scores and
answers, issuing certificates and certifying completions need MANAGE_EVENTS; the summary is open to whoever
may see the event, suppressed for aggregate-only readers.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kafaat.contacts.access_rules import VIEW_CONTACTS
from kafaat.contacts.models import Contact, ContactSex
from kafaat.core import access, audit
from kafaat.core.imports import background, write_template
from kafaat.core.imports.upload_limits import ImportFileError
from kafaat.core.models import ImportJob, Job, Territory
from kafaat.events.access_rules import MANAGE_EVENTS, VIEW_EVENTS, VIEW_PARTICIPANTS
from kafaat.events.documents import badges_pdf, certificate_pdf, sign_in_sheet_pdf
from kafaat.events.models import Event, EventType, Registration
from kafaat.events.outcomes import certificates, score_imports, scores, trainers
from kafaat.events.registrant_names import name_of, organisation_of, registrants, sorted_by_name
from kafaat.results.suppression import THRESHOLD, suppress_1d
from kafaat.training.models import Sector

LANGUAGES = ("fr", "ar", "en")
PDF = "application/pdf"


def _event(request, pk: int, permission: str = VIEW_PARTICIPANTS) -> Event:
    event = access.get_object_or_404(
        request.user, VIEW_EVENTS, Event.objects.select_related("organiser", "territory"), pk=pk
    )
    access.require(request.user, permission, event)
    return event


def _language(request) -> str:
    language = request.GET.get("language") or translation.get_language() or "fr"
    return language[:2] if language[:2] in LANGUAGES else "fr"


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _rows(event: Event) -> list[dict]:
    shares = certificates.attendance_shares(event)
    language = translation.get_language() or "fr"
    people = sorted_by_name(registrants(event).select_related("certificate"), language)
    return [
        {
            "registration": r,
            "name": name_of(r, language),
            "organisation": organisation_of(r, language),
            "share": shares[r.pk],
            "certificate": getattr(r, "certificate", None),
        }
        for r in people
    ]


def documents(request, pk: int):
    event = _event(request, pk)
    rows = _rows(event)
    audit.record_bulk("list", request.user, Registration, [row["registration"].pk for row in rows],
                      details={"page": "event_documents", "event": event.pk})  # fmt: skip
    context = {
        "event": event,
        "rows": rows,
        "languages": [(code, translation.get_language_info(code)["name_local"]) for code in LANGUAGES],
        "can_manage": access.has_permission(request.user, MANAGE_EVENTS, event),
        "is_training_module": event.type == EventType.TRAINING_MODULE,
        "jobs": Job.objects.filter(kind=certificates.BULK_JOB, target=str(event.pk), user=request.user)[:5],
    }
    return render(request, "events/documents/documents.html", context)


def sign_in_sheet(request, pk: int):
    event = _event(request, pk)
    language = _language(request)
    content = sign_in_sheet_pdf(event, language)
    ids = list(registrants(event).values_list("pk", flat=True))
    audit.record_bulk("read", request.user, Registration, ids, details={"document": "sign_in_sheet"})
    return _pdf(content, f"sign-in-sheet-{event.pk}-{language}.pdf")


def badges(request, pk: int):
    event = _event(request, pk)
    language = _language(request)
    content = badges_pdf(event, language)
    ids = list(registrants(event).values_list("pk", flat=True))
    audit.record_bulk("read", request.user, Registration, ids, details={"document": "badges"})
    return _pdf(content, f"badges-{event.pk}-{language}.pdf")


def certificate(request, pk: int, registration_id: int):
    """Download a registrant's certificate: issued now if earned (by who may issue), else a refusal page."""
    event = _event(request, pk)
    registration = access.in_scope_or_404(event.registrations.all(), pk=registration_id)
    if not hasattr(registration, "certificate") and not access.has_permission(
        request.user, MANAGE_EVENTS, event
    ):
        raise access.Refused(MANAGE_EVENTS, event)
    try:
        issued = certificates.certificate_for_download(request.user, registration)
    except certificates.CertificateRefused as refusal:
        context = {"event": event, "name": name_of(registration, translation.get_language() or "fr"),
                   "reason": " ".join(refusal.messages)}  # fmt: skip
        return render(request, "events/documents/certificate_refused.html", context, status=400)
    return _pdf(certificate_pdf(issued), f"certificate-{issued.number}.pdf")


@require_POST
def issue_all(request, pk: int):
    event = _event(request, pk, MANAGE_EVENTS)
    job = certificates.start_bulk_issue(request.user, event)
    return redirect("events:documents_certificates_job", job_id=job.pk)


def _own_job(request, job_id) -> Job:
    return access.in_scope_or_404(
        Job.objects.filter(kind=certificates.BULK_JOB, user=request.user), pk=job_id
    )


def certificates_job(request, job_id):
    job = _own_job(request, job_id)
    event = _event(request, int(job.target), MANAGE_EVENTS)
    ready = job.status == Job.Status.DONE and certificates.bulk_file(job).is_file()
    template = (
        "events/documents/_certificates_job.html"
        if request.htmx
        else "events/documents/certificates_job.html"
    )
    return render(request, template, {"job": job, "event": event, "ready": ready})


def certificates_job_file(request, job_id):
    job = _own_job(request, job_id)
    event = _event(request, int(job.target), MANAGE_EVENTS)
    path = certificates.bulk_file(job)
    if job.status != Job.Status.DONE or not path.is_file():
        raise Http404
    audit.record("read", request.user, event, details={"document": "certificates", "job": str(job.pk)})
    return FileResponse(open(path, "rb"), as_attachment=True, filename=f"certificates-{event.pk}.pdf",  # noqa: SIM115
                        content_type=PDF)  # fmt: skip


@require_POST
def certify(request, pk: int, registration_id: int):
    event = _event(request, pk, MANAGE_EVENTS)
    registration = access.in_scope_or_404(event.registrations.select_related("contact"), pk=registration_id)
    certified = request.POST.get("certified") != "0"
    try:
        trainers.certify_completion(request.user, registration, certified=certified)
    except trainers.CompletionRefused as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, _("Completion certified.") if certified else _("Certification withdrawn."))
    return redirect("events:documents", pk=event.pk)


# --- Scores and survey ------------------------------------------------------------------------------------


def scores_grid(request, pk: int):
    event = _event(request, pk, MANAGE_EVENTS)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        entries = {}
        for registration_id in event.registrations.values_list("pk", flat=True):
            values = {phase: request.POST.get(f"{phase}-{registration_id}", "") for phase in ("pre", "post")}
            entries[registration_id] = values
        try:
            changed = scores.save_scores(request.user, event, entries)
        except ValidationError as error:
            errors = error.message_dict
            messages.error(request, _("Nothing was saved: correct the scores marked below."))
        else:
            messages.success(request, _("%(count)s scores saved.") % {"count": changed})
            return redirect("events:documents_scores", pk=event.pk)
    stored = scores.scores_of(event)
    language = translation.get_language() or "fr"
    people = sorted_by_name(registrants(event), language)
    rows = []
    for registration in people:
        person = stored[registration.pk]
        typed = {p: request.POST.get(f"{p}-{registration.pk}") for p in ("pre", "post")} if errors else {}
        rows.append({
            "registration": registration,
            "name": name_of(registration, language),
            "pre": typed.get("pre", person.pre if person.pre is not None else ""),
            "post": typed.get("post", person.post if person.post is not None else ""),
            "gain": person.gain,
            "pre_error": errors.get(f"{registration.pk}-pre", [""])[0],
            "post_error": errors.get(f"{registration.pk}-post", [""])[0],
        })  # fmt: skip
    audit.record_bulk("list", request.user, Registration, [r.pk for r in people],
                      details={"page": "event_scores", "event": event.pk})  # fmt: skip
    summary = scores.knowledge_summary(event, suppress=False)
    context = {"event": event, "rows": rows, "summary": summary}
    return render(request, "events/documents/scores.html", context)


def survey(request, pk: int):
    event = _event(request, pk, MANAGE_EVENTS)
    errors: dict[str, list[str]] = {}
    language = translation.get_language() or "fr"
    people = sorted_by_name(registrants(event), language)
    if request.method == "POST":
        registration = None
        chosen = request.POST.get("registration", "")
        if request.POST.get("anonymous") != "on" and chosen:
            if not chosen.isdigit():
                raise Http404
            registration = access.in_scope_or_404(event.registrations.all(), pk=int(chosen))
        try:
            scores.record_survey(request.user, event, request.POST, registration=registration)
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(request, _("Answer recorded."))
            return redirect("events:documents_survey", pk=event.pk)
    context = {
        "event": event,
        "people": [(r.pk, name_of(r, language)) for r in people],
        "errors": {k: v[0] for k, v in errors.items()},
        "items": [("overall", _("Overall satisfaction")), ("content", _("Content")),
                  ("organisation", _("Organisation")), ("usefulness", _("Usefulness for my work"))],
        "values": request.POST if errors else {},
        "summary": scores.survey_summary(event, suppress=False),
    }  # fmt: skip
    return render(request, "events/documents/survey.html", context)


def summary(request, pk: int):
    event = _event(request, pk, VIEW_EVENTS)
    knowledge, satisfaction = scores.summaries_for(request.user, event)
    context = {"event": event, "knowledge": knowledge, "satisfaction": satisfaction,
               "threshold": scores.THRESHOLD}  # fmt: skip
    return render(request, "events/documents/summary.html", context)


@require_POST
def upload(request, pk: int, kind: str):
    if kind not in (score_imports.SCORES_KIND, score_imports.SURVEY_KIND):
        raise Http404
    event = _event(request, pk, MANAGE_EVENTS)
    upload_file = request.FILES.get("file")
    back = "events:documents_scores" if kind == score_imports.SCORES_KIND else "events:documents_survey"
    if upload_file is None:
        messages.error(request, _("Choose a file to import."))
        return redirect(back, pk=event.pk)
    if Path(upload_file.name).suffix.lower() not in (".csv", ".xlsx"):
        messages.error(request, _("Import a CSV or XLSX file."))
        return redirect(back, pk=event.pk)
    try:
        job = score_imports.start_import(
            request.user, event, kind, upload_file, dry_run="dry_run" in request.POST
        )
    except ImportFileError as error:
        messages.error(request, str(error))
        return redirect(back, pk=event.pk)
    return redirect("events:documents_import_job", job_id=job.pk)


def import_job(request, job_id):
    kinds = (score_imports.SCORES_KIND, score_imports.SURVEY_KIND)
    job = access.in_scope_or_404(ImportJob.objects.filter(user=request.user, kind__in=kinds), pk=job_id)
    event = _event(request, int((job.details or {}).get("event", 0)), MANAGE_EVENTS)
    context = {"job": job, "event": event, **background.progress_of(job)}
    template = (
        "events/documents/_import_job_status.html" if request.htmx else "events/documents/import_job.html"
    )
    return render(request, template, context)


def import_template(request, kind: str, language: str):
    columns = {score_imports.SCORES_KIND: score_imports.SCORE_COLUMNS,
               score_imports.SURVEY_KIND: score_imports.SURVEY_COLUMNS}.get(kind)  # fmt: skip
    if columns is None or language not in LANGUAGES:
        raise Http404
    if not access.has_permission(request.user, MANAGE_EVENTS):
        raise PermissionDenied
    buffer = io.BytesIO()
    write_template(columns, language, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=score_imports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{kind}-{language}.xlsx"'
    return response


# --- Trainers ---------------------------------------------------------------------------------------------


def trainers_page(request):
    if not access.has_permission(request.user, VIEW_EVENTS):
        raise access.Refused(VIEW_EVENTS)
    events = access.scoped(request.user, VIEW_EVENTS, Event.objects.all())
    certified = trainers.professionalised(events=events)
    see_people = access.has_permission(request.user, VIEW_CONTACTS)
    suppress = not access.has_permission(request.user, VIEW_PARTICIPANTS)
    tables = []
    sector_names = {s.code: s.name for s in Sector.objects.all()}
    regions = {t.code: t.name for t in Territory.objects.filter(level=Territory.Level.REGION)}
    labels = {"sector": sector_names, "sex": dict(ContactSex.choices), "region": regions}
    titles = {"sector": _("By sector of the module"), "sex": _("By sex"), "region": _("By region")}
    for by in ("sector", "sex", "region"):
        counts = trainers.professionalised_counts(certified, by)
        if suppress:
            table = suppress_1d(counts) if counts else None
            cells = {k: (c.value if table else None) for k, c in (table.cells.items() if table else [])}
        else:
            cells = counts
        rows = [(labels[by].get(key, key or _("Not recorded")), cells.get(key)) for key in counts]
        tables.append({"title": titles[by], "rows": rows})
    total = trainers.total_professionalised(certified)
    if suppress and 0 < total < THRESHOLD:
        total = None
    people = []
    if see_people:
        directory = Contact.objects.filter(is_trainer=True, merged_into__isnull=True)
        contacts = access.scoped(request.user, VIEW_CONTACTS, directory).select_related(
            "establishment", "sector"
        )[:200]
        modules = trainers.trainer_modules(contacts)
        people = [{"contact": c, "modules": modules.get(c.pk, [])} for c in contacts]
        audit.record_bulk(
            "list", request.user, Contact, [c.pk for c in contacts], details={"page": "trainers"}
        )
    context = {"tables": tables, "total": total, "people": people, "see_people": see_people,
               "suppressed": suppress}  # fmt: skip
    return render(request, "events/documents/trainers.html", context)
