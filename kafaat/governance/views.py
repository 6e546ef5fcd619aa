"""Working group pages: the groups, a group (mandate, members, meetings, open actions), a meeting (agenda,
participants, minutes and their last change, outcomes, the actions carried from earlier meetings) and its
printable minutes. Every change goes through the services; a refused one comes back as a message."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kafaat.contacts import services as contacts
from kafaat.contacts.access_rules import VIEW_CONTACTS
from kafaat.core import access
from kafaat.governance import access_rules, services, workflows
from kafaat.governance.access_rules import VIEW_GROUPS
from kafaat.governance.forms import AgendaItemForm, MeetingForm, MemberForm, MinutesForm, OutcomeForm


def _refusal(request, error: ValidationError) -> None:
    messages.error(request, " ".join(str(m) for m in error.messages))


def _directory(user):
    return contacts.visible_contacts(user).order_by("last_name_latin", "last_name_ar", "id")


def _contacts_open(user) -> bool:
    """Whether names link to the directory: analysts read a group without reading its members' entries."""
    return access.has_permission(user, VIEW_CONTACTS)


def groups(request):
    if not access.has_permission(request.user, VIEW_GROUPS):
        raise PermissionDenied
    rows = services.visible_groups(request.user).order_by("code")
    return render(request, "governance/groups.html", {"groups": rows})


def group(request, pk: int):
    working_group = services.get_group(request.user, pk)
    manage = access_rules.can_manage_group(request.user, working_group)
    context = {
        "group": working_group,
        "members": services.members_of(working_group),
        "meetings": services.meetings_of(working_group),
        "open_actions": [(a, services.is_overdue(a)) for a in services.open_actions(working_group)],
        "timeliness": services.timeliness(working_group),
        "can_manage": manage,
        "contacts_open": _contacts_open(request.user),
        "member_form": MemberForm(_directory(request.user)) if manage else None,
        "meeting_form": MeetingForm() if manage else None,
    }
    return render(request, "governance/group.html", context)


@require_POST
def add_member(request, pk: int):
    working_group = services.get_group(request.user, pk)
    form = MemberForm(_directory(request.user), request.POST)
    if form.is_valid():
        try:
            services.add_member(
                request.user,
                working_group,
                form.cleaned_data["contact"].pk,
                role=form.cleaned_data["role"],
                start_date=form.cleaned_data["start_date"],
            )
            messages.success(request, _("Member added."))
        except ValidationError as error:
            _refusal(request, error)
    else:
        messages.error(request, _("Pick a contact and a role."))
    return redirect("governance:group", pk=pk)


@require_POST
def end_member(request, pk: int):
    membership = services.get_membership(request.user, pk)
    try:
        services.end_membership(request.user, membership)
        messages.success(request, _("Membership ended."))
    except ValidationError as error:
        _refusal(request, error)
    return redirect("governance:group", pk=membership.group_id)


@require_POST
def create_meeting(request, pk: int):
    working_group = services.get_group(request.user, pk)
    form = MeetingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the meeting a title and a date."))
        return redirect("governance:group", pk=pk)
    try:
        meeting = services.create_meeting(request.user, working_group, form.cleaned_data)
    except ValidationError as error:
        _refusal(request, error)
        return redirect("governance:group", pk=pk)
    messages.success(request, _("Meeting planned."))
    return redirect("governance:meeting", pk=meeting.pk)


def meeting(request, pk: int):
    sitting = services.get_meeting(request.user, pk)
    editable = access_rules.can_edit_meeting(request.user, sitting)
    directory = _directory(request.user)
    context = {
        "meeting": sitting,
        "group": sitting.group,
        "agenda": sitting.agenda.select_related("presenter").order_by("position", "id"),
        "participants": services.participants_of(sitting),
        "minutes": services.minutes_of(sitting),
        "revisions": sitting.minutes_revisions.count(),
        "diff": services.minutes_diff(sitting),
        "outcomes": services.outcomes_of(sitting),
        "carried": [(a, services.is_overdue(a)) for a in services.carried_actions(sitting)],
        "transitions": workflows.available(workflows.MEETING_TRANSITIONS, request.user, sitting),
        "can_edit": editable,
        "can_manage": access_rules.can_manage_group(request.user, sitting.group),
        "contacts_open": _contacts_open(request.user),
        "action_transitions": {t.name: t for t in workflows.ACTION_TRANSITIONS},
        "agenda_form": AgendaItemForm(directory) if editable else None,
        "minutes_form": MinutesForm(
            initial={"text": services.minutes_of(sitting).text if services.minutes_of(sitting) else ""}
        )
        if editable
        else None,
        "outcome_form": OutcomeForm(directory) if editable else None,
        "meeting_form": MeetingForm(
            initial={
                "title": sitting.title,
                "starts_at": sitting.starts_at,
                "ends_at": sitting.ends_at,
                "venue": sitting.venue,
            }
        )
        if editable
        else None,
    }
    return render(request, "governance/meeting.html", context)


def minutes_print(request, pk: int):
    sitting = services.get_meeting(request.user, pk)
    context = {
        "meeting": sitting,
        "group": sitting.group,
        "agenda": sitting.agenda.select_related("presenter").order_by("position", "id"),
        "participants": services.participants_of(sitting),
        "minutes": services.minutes_of(sitting),
        "outcomes": services.outcomes_of(sitting),
    }
    return render(request, "governance/minutes_print.html", context)


def _meeting_change(request, pk: int, change) -> object:
    sitting = services.get_meeting(request.user, pk)
    try:
        change(sitting)
    except ValidationError as error:
        _refusal(request, error)
    return redirect("governance:meeting", pk=pk)


@require_POST
def edit_meeting(request, pk: int):
    form = MeetingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the meeting a title and a date."))
        return redirect("governance:meeting", pk=pk)
    return _meeting_change(request, pk, lambda m: services.update_meeting(request.user, m, form.cleaned_data))


@require_POST
def meeting_transition(request, pk: int, name: str):
    def take(sitting):
        services.transition_meeting(request.user, sitting, name)
        messages.success(request, _("Meeting updated."))

    return _meeting_change(request, pk, take)


@require_POST
def add_agenda_item(request, pk: int):
    form = AgendaItemForm(_directory(request.user), request.POST)

    def add(sitting):
        if not form.is_valid():
            raise ValidationError(_("Give the agenda item a title."))
        presenter = form.cleaned_data["presenter"]
        services.add_agenda_item(
            request.user,
            sitting,
            form.cleaned_data["title"],
            presenter_id=presenter.pk if presenter else None,
            duration_minutes=form.cleaned_data["duration_minutes"],
        )

    return _meeting_change(request, pk, add)


@require_POST
def record_attendance(request, pk: int):
    ids = [int(value) for value in request.POST.getlist("attended") if value.isdigit()]

    def record(sitting):
        services.record_attendance(request.user, sitting, ids)
        messages.success(request, _("Attendance saved."))

    return _meeting_change(request, pk, record)


@require_POST
def write_minutes(request, pk: int):
    form = MinutesForm(request.POST)

    def write(sitting):
        if not form.is_valid():
            raise ValidationError(_("The minutes are empty or too long."))
        services.write_minutes(request.user, sitting, form.cleaned_data["text"])
        messages.success(request, _("Minutes saved."))

    return _meeting_change(request, pk, write)


@require_POST
def add_outcome(request, pk: int):
    form = OutcomeForm(_directory(request.user), request.POST)

    def add(sitting):
        if not form.is_valid():
            raise ValidationError(_("Say what kind of outcome this is and write it."))
        owner = form.cleaned_data["owner"]
        services.add_outcome(
            request.user,
            sitting,
            form.cleaned_data["kind"],
            form.cleaned_data["text"],
            owner_id=owner.pk if owner else None,
            due_date=form.cleaned_data["due_date"],
        )

    return _meeting_change(request, pk, add)


@require_POST
def action_transition(request, pk: int, name: str):
    action = services.get_action(request.user, pk)
    try:
        services.transition_action(request.user, action, name, note=request.POST.get("note"))
        messages.success(request, _("Action updated."))
    except ValidationError as error:
        _refusal(request, error)
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("governance:group", pk=action.group_id)
