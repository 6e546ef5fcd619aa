"""Grantee reports (docs/grants/funding.md): the grantee writes each report of the schedule (narrative, a
file, expenditure per budget line, values of the indicators its application contributes to) and submits it;
the officer accepts it (its indicator values then count in the programme's results) or returns it with a
note. Reminders go to the grantee's applicants for reports due within a week or overdue, once a week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kafaat.core import access, audit, jobs
from kafaat.core.l10n.formatting import format_date
from kafaat.core.models import Job, Membership, Role
from kafaat.grants import access_rules
from kafaat.grants.models import Agreement, Expenditure, IndicatorContribution, Report, ReportedValue
from kafaat.grants.services import agreements
from kafaat.grants.services.measures import record_accepted_values

MAX_FILE_BYTES = 10 * 1024 * 1024
REMINDER_DAYS = 7  # due within a week, or overdue
REMINDER_EVERY = timedelta(days=7)  # at most once a week per report
OPEN = (Report.Status.DUE, Report.Status.RETURNED)


def get_report(user, report_id: int) -> Report:
    """A report of an agreement the user may open, else 404."""
    report = (
        Report.objects.select_related("agreement__application__call", "agreement__application__organisation")
        .filter(pk=report_id)
        .first()
    )
    if report is None or not agreements.can_view_agreement(user, report.agreement):
        raise access.OutOfScope(Report, report_id)
    return report


def contributions_of(report: Report) -> QuerySet[IndicatorContribution]:
    return IndicatorContribution.objects.filter(application=report.agreement.application).select_related(
        "indicator"
    )


def _decimal(raw, field: str, errors: dict) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except (InvalidOperation, ValueError):
        errors[field] = [_("Enter a number.")]
        return None
    if not value.is_finite() or value < 0 or value >= Decimal("1e12"):
        errors[field] = [_("Enter a number that is not negative.")]
        return None
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def save_report(
    user,
    report: Report,
    *,
    narrative: str | None = None,
    file=None,
    expenditures: dict[int, object] | None = None,
    values: dict[int, tuple[object, object]] | None = None,
) -> Report:
    """Save what the grantee wrote: the narrative, the file, the amount spent per budget line
    ({line id: amount}) and the indicator values ({indicator id: (value, of whom women)}). Only the
    grantee's applicants, while the report is due or returned."""
    report = Report.objects.select_for_update().select_related("agreement__application").get(pk=report.pk)
    if not access_rules.can_report(user, report):
        if access_rules.is_applicant_of(user, report.agreement.application):
            raise ValidationError({"status": [_("This report is submitted: it can no longer be changed.")]})
        raise access.Refused(access_rules.APPLY, report)
    if report.agreement.status != Agreement.Status.SIGNED:
        raise ValidationError({"agreement": [_("The agreement is not signed.")]})
    application = report.agreement.application
    errors: dict[str, list[str]] = {}
    lines = {line.pk: line for line in application.budget_lines.all()}
    indicators = set(contributions_of(report).values_list("indicator_id", flat=True))
    spent: dict[int, Decimal | None] = {}
    for line_id, raw in (expenditures or {}).items():
        if int(line_id) not in lines:
            errors["expenditures"] = [_("A budget line is not the application's.")]
            continue
        spent[int(line_id)] = _decimal(raw, f"line_{line_id}", errors)
    reported: dict[int, tuple[Decimal | None, int | None]] = {}
    for indicator_id, (raw, raw_women) in (values or {}).items():
        if int(indicator_id) not in indicators:
            errors["values"] = [_("The application does not contribute to this indicator.")]
            continue
        value = _decimal(raw, f"indicator_{indicator_id}", errors)
        women = _decimal(raw_women, f"women_{indicator_id}", errors)
        if women is not None and value is not None and women > value:
            errors[f"women_{indicator_id}"] = [_("There cannot be more women than the value.")]
        reported[int(indicator_id)] = (value, int(women) if women is not None else None)
    if file is not None and getattr(file, "size", 0) > MAX_FILE_BYTES:
        errors["file"] = [_("The file is too large (10 MB at most).")]
    if errors:
        raise ValidationError(errors)
    if narrative is not None:
        report.narrative = narrative.strip()[:20000]
    if file is not None:
        report.file.save(file.name[-100:], file, save=False)
    report.save()
    for line_id, amount in spent.items():
        if amount is None:
            Expenditure.objects.filter(report=report, budget_line_id=line_id).delete()
        else:
            Expenditure.objects.update_or_create(
                report=report, budget_line_id=line_id, defaults={"amount": amount}
            )
    for indicator_id, (value, women) in reported.items():
        if value is None:
            ReportedValue.objects.filter(report=report, indicator_id=indicator_id).delete()
        else:
            ReportedValue.objects.update_or_create(
                report=report, indicator_id=indicator_id, defaults={"value": value, "women": women}
            )
    audit.record(audit.Action.UPDATE, user, report, details={"lines": len(spent), "values": len(reported)})
    return report


@transaction.atomic
def submit_report(user, report: Report) -> Report:
    report = Report.objects.select_for_update().select_related("agreement__application").get(pk=report.pk)
    if not access_rules.can_report(user, report):
        if access_rules.is_applicant_of(user, report.agreement.application):
            raise ValidationError({"status": [_("This report is already submitted.")]})
        raise access.Refused(access_rules.APPLY, report)
    if report.agreement.status != Agreement.Status.SIGNED:
        raise ValidationError({"agreement": [_("The agreement is not signed.")]})
    if not report.narrative.strip():
        raise ValidationError({"narrative": [_("Write the narrative report first.")]})
    report.status, report.submitted_at = Report.Status.SUBMITTED, timezone.now()
    report.save(update_fields=["status", "submitted_at"])
    audit.record(audit.Action.UPDATE, user, report, details={"status": "submitted"})
    return report


@transaction.atomic
def review_report(user, report: Report, *, accept: bool, note: str = "") -> Report:
    """The officer accepts a submitted report (its values then count in the results), or returns it to the
    grantee with a note saying what to change."""
    report = (
        Report.objects.select_for_update().select_related("agreement__application__call").get(pk=report.pk)
    )
    if not access_rules.can_manage_call(user, report.agreement.application.call):
        raise access.Refused(access_rules.MANAGE_CALLS, report)
    if report.status != Report.Status.SUBMITTED:
        raise ValidationError({"status": [_("Only a submitted report can be accepted or returned.")]})
    note = (note or "").strip()
    if not accept and not note:
        raise ValidationError({"note": [_("Say what the grantee should change.")]})
    report.status = Report.Status.ACCEPTED if accept else Report.Status.RETURNED
    report.reviewed_at, report.reviewed_by, report.review_note = timezone.now(), user, note[:5000]
    report.save(update_fields=["status", "reviewed_at", "reviewed_by", "review_note"])
    if accept:
        record_accepted_values(user, report)
    audit.record(audit.Action.UPDATE, user, report, details={"status": report.status})
    return report


# --- Lists and reminders -----


def reports_to_review(user) -> QuerySet[Report]:
    """Submitted reports of the calls the user manages."""
    managed = access.organisations_where(user, access_rules.MANAGE_CALLS)
    rows = Report.objects.filter(status=Report.Status.SUBMITTED)
    if not (getattr(user, "is_superuser", False) and user.is_active):
        rows = rows.filter(agreement__application__call__organisation__in=managed)
    return rows.select_related("agreement__application__organisation").order_by("submitted_at", "id")


def reports_due(user, today: date | None = None, within_days: int = REMINDER_DAYS) -> QuerySet[Report]:
    """The grantee's reports still to write, due within `within_days` or overdue."""
    today = today or timezone.localdate()
    return (
        Report.objects.filter(
            agreement__in=agreements.grantee_agreements(user),
            agreement__status=Agreement.Status.SIGNED,
            status__in=OPEN,
            due_date__lte=today + timedelta(days=within_days),
        )
        .select_related("agreement")
        .order_by("due_date", "id")
    )


def reports_for_reminder(today: date, now=None) -> QuerySet[Report]:
    now = now or timezone.now()
    return (
        Report.objects.filter(
            agreement__status=Agreement.Status.SIGNED,
            status__in=OPEN,
            due_date__lte=today + timedelta(days=REMINDER_DAYS),
        )
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - REMINDER_EVERY))
        .select_related("agreement__application__organisation")
        .order_by("due_date", "id")
    )


@dataclass(frozen=True)
class Reminders:
    reports: int
    messages: int


def send_reminders(today: date | None = None) -> Reminders:
    """E-mail the applicants of each grantee whose reports are due within a week or overdue (at most once a
    week per report), in the application's language."""
    today, now = today or timezone.localdate(), timezone.now()
    reports, messages = 0, 0
    for report in reports_for_reminder(today, now):
        application = report.agreement.application
        recipients = sorted(
            set(
                Membership.objects.filter(
                    organisation_id=application.organisation_id,
                    role=Role.GRANT_APPLICANT,
                    is_active=True,
                    user__is_active=True,
                )
                .exclude(user__email="")
                .values_list("user__email", flat=True)
            )
        )
        if not recipients:
            continue
        with translation.override(application.language):
            overdue = report.due_date < today
            subject = (
                _("Overdue grant report: %(reference)s")
                if overdue
                else _("Grant report due soon: %(reference)s")
            ) % {"reference": report.agreement.reference}
            body = _(
                "Dear grantee,\n\nThe %(kind)s no. %(number)s of the grant agreement %(reference)s "
                "(%(title)s) "
                "covering the period until %(period)s is due on %(due)s.\nPlease write and submit it in "
                'Kafaat, under "My grants".\n'
            ) % {
                "kind": report.get_kind_display().lower(),
                "number": report.number,
                "reference": report.agreement.reference,
                "title": application.title,
                "period": format_date(report.period_end, isolated=False),
                "due": format_date(report.due_date, isolated=False),
            }
        sent = send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
        Report.objects.filter(pk=report.pk).update(reminded_at=now)
        audit.record(audit.Action.UPDATE, None, report, details={"reminded": len(recipients)})
        reports += 1
        messages += sent
    return Reminders(reports, messages)


JOB_KIND = "grants_reminders"


def reminders_job(job, progress) -> jobs.Outcome:
    """The background job of the same reminders (`python -m kafaat grants_reminders --background`)."""
    sent = send_reminders()
    return jobs.Outcome(
        Job.Status.DONE,
        _("%(reports)s reports reminded, %(messages)s e-mails sent.")
        % {"reports": sent.reports, "messages": sent.messages},
    )
