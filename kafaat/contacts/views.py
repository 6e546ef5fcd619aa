"""The directory's pages: the list (search, filters, pages), a contact's page (their groups, meetings, events,
missions), the form (with the likely same people before a new entry), merge, link, and the import page."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kafaat.contacts import importing, services
from kafaat.contacts.forms import ContactFilterForm, ContactForm, ContactUploadForm, LinkPersonForm, MergeForm
from kafaat.core.imports import background, pages, write_template

PAGE_SIZE = 25
LANGUAGES = ("fr", "ar", "en")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def directory(request):
    services.require_view(request.user)
    form = ContactFilterForm(request.GET or None)
    contacts = services.search_contacts(request.user, **form.filters())
    page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    services.audit_list(request.user, page.object_list, searched_by="query" if request.GET.get("q") else "")
    context = {
        "form": form,
        "page": page,
        "can_create": services.keeping_organisations(request.user).exists(),
    }
    template = "contacts/_rows.html" if request.htmx else "contacts/list.html"
    return render(request, template, context)


def detail(request, pk: int):
    contact = services.get_contact(request.user, pk)
    context = {
        "contact": contact,
        "memberships": contact.group_memberships.select_related("group").order_by("-start_date"),
        "meetings": contact.meetings.select_related("meeting", "meeting__group").order_by(
            "-meeting__starts_at"
        )[:20],
        "registrations": contact.registrations.select_related("event").order_by("-id")[:20],
        "missions": contact.missions.order_by("-id")[:20],
        "actions": contact.actions.select_related("group", "outcome").order_by("due_date")[:20],
        "can_change": services.can_change(request.user, contact),
        "person_visible": services.person_visible_to(request.user, contact),
        "duplicates": services.matches_for(
            request.user,
            {
                f: getattr(contact, f)
                for f in (
                    "first_name_latin",
                    "last_name_latin",
                    "first_name_ar",
                    "last_name_ar",
                    "email",
                    "phone",
                )
            },
            exclude_id=contact.pk,
        )
        if services.can_change(request.user, contact)
        else [],
        "merge_form": MergeForm(),
        "link_form": LinkPersonForm(initial={"person": contact.person_id}),
    }
    return render(request, "contacts/detail.html", context)


def create(request):
    keeping = services.keeping_organisations(request.user)
    if not keeping.exists():
        raise PermissionDenied
    form = ContactForm(request.POST or None, keeping=keeping)
    matches = []
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.create_contact(
                request.user,
                form.data_for_service(),
                managed_by=form.cleaned_data["managed_by"],
                confirm_new="confirm_new" in request.POST,
            )
        except services.PossibleDuplicates as duplicates:
            matches = duplicates.matches
            services.audit_list(request.user, [m.contact for m in matches], searched_by="matches")
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Contact saved."))
            return redirect("contacts:detail", pk=contact.pk)
    return render(request, "contacts/form.html", {"form": form, "contact": None, "matches": matches})


def edit(request, pk: int):
    contact = services.get_contact_for_change(request.user, pk)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_contact(request.user, contact, form.data_for_service())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Contact saved."))
            return redirect("contacts:detail", pk=pk)
    return render(request, "contacts/form.html", {"form": form, "contact": contact, "matches": []})


@require_POST
def merge(request, pk: int):
    survivor = services.get_contact_for_change(request.user, pk)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the number of the duplicate entry."))
        return redirect("contacts:detail", pk=pk)
    duplicate = services.get_contact(request.user, form.cleaned_data["duplicate"], audit_read=False)
    try:
        services.merge_contacts(request.user, survivor, duplicate)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The duplicate was merged into this contact."))
    return redirect("contacts:detail", pk=pk)


@require_POST
def link_person(request, pk: int):
    contact = services.get_contact_for_change(request.user, pk)
    form = LinkPersonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the number of a beneficiary record."))
        return redirect("contacts:detail", pk=pk)
    services.link_person(request.user, contact, form.cleaned_data.get("person"))
    messages.success(request, _("Contact saved."))
    return redirect("contacts:detail", pk=pk)


# --- Import -------------------------------------------------------------------------------------------------


def _require_import(user) -> None:
    if not services.keeping_organisations(user).exists():
        raise PermissionDenied


def upload(request):
    _require_import(request.user)
    form = ContactUploadForm(request.user, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = background.new_job(
            request.user,
            form.cleaned_data["organisation"],
            importing.KIND,
            form.cleaned_data["file"],
            dry_run="dry_run" in request.POST,
        )
        job = background.start(job, importing.IMPORT_JOB)
        return redirect("contacts:import_job", job_id=job.pk)
    context = {
        "form": form,
        "languages": pages.template_languages(),
        "jobs": pages.recent_jobs(request.user, [importing.KIND]),
    }
    return render(request, "contacts/import.html", context)


def import_job(request, job_id):
    return pages.job_page(request, pages.own_job(request, job_id, kind=importing.KIND), "contacts/")


def import_errors(request, job_id):
    return pages.error_report(pages.own_job(request, job_id, kind=importing.KIND))


def import_template(request, language: str):
    if language not in LANGUAGES:
        raise Http404
    buffer = io.BytesIO()
    write_template(importing.CONTACT_COLUMNS, language, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="kafaat-contacts-{language}.xlsx"'
    return response
