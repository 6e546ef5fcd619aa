"""Events pages: the filtered list, an event (sessions, registrants with their attendance per session, the
actions of the workflow), create/edit, registration, e-mails, the .ics, the sign-in sheet import and its
review queue. The check-in page is `views_checkin`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kafaat.contacts.access_rules import VIEW_CONTACTS
from kafaat.contacts.models import Contact
from kafaat.core import access
from kafaat.events import invitations, services, workflow
from kafaat.events.access_rules import VIEW_EVENTS
from kafaat.events.models import Event, RegistrationStatus
from kafaat.events.pages.forms import (
    EventFilterForm,
    EventForm,
    RegistrationForm,
    SessionForm,
    SignInUploadForm,
)
from kafaat.events.sign_in.sheet import MARKS

PAGE_SIZE = 25
REGISTRANTS_PER_PAGE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def event_list(request):
    if not access.has_permission(request.user, VIEW_EVENTS):
        raise PermissionDenied
    form = EventFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = services.EventFilters(
        type=data.get("type") or None,
        project=data["project"].code if data.get("project") else None,
        territory=data["territory"].code if data.get("territory") else None,
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        query=data.get("q") or None,
    )
    page = Paginator(services.list_events(request.user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "can_create": services.managing_organisations(request.user).exists(),
    }
    template = "events/_event_rows.html" if request.htmx else "events/event_list.html"
    return render(request, template, context)


def event_detail(request, pk: int):
    event = services.get_event(request.user, pk)
    sessions = services.sessions_of(event)
    can_manage = services.can_manage(request.user, event)
    context = {
        "event": event,
        "sessions": sessions,
        "can_manage": can_manage,
        "children": event.children.all(),
    }
    counts = services.status_counts(event)
    context["statuses"] = [
        (value, label, counts.get(value, 0)) for value, label in RegistrationStatus.choices
    ]
    if services.can_view_participants(request.user, event):
        status = request.GET.get("status") or None
        registrations = services.registrations_of(request.user, event, status=status, with_attendance=False)
        page = Paginator(registrations, REGISTRANTS_PER_PAGE).get_page(request.GET.get("page"))
        shown = list(page.object_list)
        attended = services.attended_sessions(shown)
        rows = []
        for registration in shown:
            registration.event = event  # the workflow's conditions read it: one event, not one query a row
            actions = services.transitions_open_to(request.user, registration, may_manage=can_manage)
            rows.append((registration, [s.pk in attended[registration.pk] for s in sessions], actions))
        page.object_list = shown
        services.record_list_read(request.user, event, shown)
        context.update(page=page, rows=rows, status=status or "")
        if can_manage:
            context["open_reviews"] = event.sign_in_reviews.filter(status="open").count()
    return render(request, "events/event_detail.html", context)


def event_create(request):
    organisers = services.managing_organisations(request.user)
    if not organisers.exists():
        raise PermissionDenied
    form = EventForm(
        request.POST or None, organisers=organisers, parents=services.events(request.user).filter(parent=None)
    )
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(request.user, form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Event saved."))
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form, "event": None})


def event_edit(request, pk: int):
    event = services.get_event_to_manage(request.user, pk)
    parents = services.events(request.user).filter(parent=None).exclude(pk=pk)
    form = EventForm(request.POST or None, instance=event, parents=parents)
    if request.method == "POST" and form.is_valid():
        fresh = services.get_event(request.user, pk)  # the form has already set the new values on `event`
        try:
            services.update_event(request.user, fresh, form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Event saved."))
            return redirect("events:detail", pk=pk)
    return render(request, "events/event_form.html", {"form": form, "event": event})


def session_create(request, pk: int):
    event = services.get_event_to_manage(request.user, pk)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_session(request.user, event, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Session added."))
            return redirect("events:detail", pk=pk)
    return render(request, "events/session_form.html", {"form": form, "event": event})


def _session_to_manage(request, pk: int, session_pk: int):
    event = services.get_event_to_manage(request.user, pk)
    session = event.sessions.filter(pk=session_pk).first()
    if session is None:  # another event's session, or none: the same answer
        raise Http404
    return event, session


def session_edit(request, pk: int, session_pk: int):
    event, session = _session_to_manage(request, pk, session_pk)
    initial = {
        "title": session.title,
        "starts_at": timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(session.ends_at).strftime("%Y-%m-%dT%H:%M"),
    }
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_session(request.user, session, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Session saved."))
            return redirect("events:detail", pk=pk)
    context = {"form": form, "event": event, "session": session}
    return render(request, "events/session_form.html", context)


def session_delete(request, pk: int, session_pk: int):
    """GET asks for confirmation; POST deletes, unless attendance is recorded at the session."""
    event, session = _session_to_manage(request, pk, session_pk)
    if request.method == "POST":
        try:
            services.delete_session(request.user, session)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Session deleted."))
        return redirect("events:detail", pk=pk)
    context = {"event": event, "session": session, "attended": session.attendances.exists()}
    return render(request, "events/session_delete.html", context)


def registration_create(request, pk: int):
    event = services.get_event_to_manage(request.user, pk)
    contacts = access.scoped(request.user, VIEW_CONTACTS, Contact.objects.filter(merged_into=None)).exclude(
        registrations__event=event
    )
    form = RegistrationForm(request.POST or None, contacts=contacts)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_contact(
                request.user,
                event,
                form.cleaned_data["contact"],
                status=form.cleaned_data["status"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Participant added."))
            return redirect("events:detail", pk=pk)
    return render(request, "events/registration_form.html", {"form": form, "event": event})


@require_POST
def registration_transition(request, pk: int, registration_pk: int):
    event = services.get_event(request.user, pk)
    registration = services.get_registration(request.user, registration_pk, event=event)
    name = request.POST.get("action", "")
    try:
        services.transition(request.user, registration, name)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        step = workflow.TRANSITIONS[name]
        messages.success(request, _("Done: %(action)s.") % {"action": step.label})
    return redirect("events:detail", pk=pk)


@require_POST
def registration_attendance(request, pk: int, registration_pk: int):
    event = services.get_event(request.user, pk)
    registration = services.get_registration(request.user, registration_pk, event=event)
    session_id = request.POST.get("session", "")
    session = services.get_session(request.user, int(session_id) if session_id.isdigit() else 0)
    try:
        services.record_attendance(
            request.user, registration, session, present=request.POST.get("present") == "1"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("events:detail", pk=pk)


@require_POST
def send_mail(request, pk: int):
    event = services.get_event_to_manage(request.user, pk)
    kind = request.POST.get("kind", "invitation")
    try:
        job = invitations.queue_mail(request.user, event, kind)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The e-mails are being sent: %(status)s") % {"status": job.message or job.get_status_display()},
        )
    return redirect("events:detail", pk=pk)


def registrants_export(request, pk: int):
    import io

    event = services.get_event(request.user, pk)
    buffer = io.BytesIO()
    services.export_registrants(request.user, event, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="participants-{event.pk}.xlsx"'
    return response


def calendar(request, pk: int):
    event = services.get_event(request.user, pk)
    response = HttpResponse(invitations.calendar_of(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{invitations.ics_file_name(event)}"'
    return response


# --- Sign-in sheets ----------------------------------------------------------------------------------------


def sign_in_import(request, pk: int):
    event = services.get_event_to_manage(request.user, pk)
    form = SignInUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.start_sign_in_import(
                request.user, event, form.cleaned_data["file"], dry_run="dry_run" in request.POST
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect("events:import_job", job_id=job.pk)
    context = {
        "form": form,
        "event": event,
        "jobs": services.sign_in_jobs(request.user, event)[:10],
        "sessions": services.sessions_of(event),
        "marks": MARKS,
    }
    return render(request, "events/sign_in_import.html", context)


def sign_in_template(request, pk: int):
    """The sheet's template (XLSX) in the page's language: one column per session of this event."""
    import io

    from django.utils import translation

    from kafaat.core.imports import write_template
    from kafaat.events.sign_in.sheet import sheet_columns

    event = services.get_event_to_manage(request.user, pk)
    buffer = io.BytesIO()
    write_template(sheet_columns(event), (translation.get_language() or "fr")[:2], buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="sign-in-{event.pk}.xlsx"'
    return response


def import_job(request, job_id):
    from kafaat.core.imports import pages
    from kafaat.events.sign_in.sheet import KIND

    job = pages.own_job(request, job_id, kind=KIND)
    event = Event.objects.filter(pk=(job.details or {}).get("event")).first()
    return pages.job_page(request, job, "events/", {"event": event})


def reviews(request, pk: int):
    event = services.get_event_to_manage(request.user, pk)
    queue = services.reviews_of(request.user, event)
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    people = services.review_people(request.user, list(page))
    items = [
        (review, services.review_candidates(request.user, review), people.get(review.pk, []))
        for review in page
    ]
    return render(request, "events/reviews.html", {"event": event, "page": page, "items": items})


@require_POST
def review_resolve(request, pk: int, review_pk: int):
    event = services.get_event(request.user, pk)
    review = services.get_review(request.user, event, review_pk)
    choice = request.POST.get("choice", "")
    try:
        if choice == "new":
            services.resolve_review(request.user, review, create=True, sex=request.POST.get("sex", ""))
        elif choice == "dismiss":
            services.resolve_review(request.user, review, dismiss=True)
        elif choice.startswith("person-"):  # a beneficiary of the registry
            number = choice.removeprefix("person-")
            person_id = int(number) if number.isdigit() else 0
            services.resolve_review(request.user, review, person_id=person_id)
        else:
            contact_id = int(choice) if choice.isdigit() else None
            services.resolve_review(request.user, review, contact_id=contact_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Row settled: %(name)s.") % {"name": review.name})
    return redirect("events:reviews", pk=pk)
