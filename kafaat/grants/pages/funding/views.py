"""The funding pages: agreements (the officer's list and the grantee's "my grants"), an agreement (tranches
with their condition, payments, reports, budget against actual, beneficiaries), a report (the grantee's form,
the officer's review) and the aggregates. Every change goes through the services; a refusal comes back as a
message on the page."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kafaat.core import access, audit
from kafaat.core.models import Project
from kafaat.grants import access_rules
from kafaat.grants.models import Application, Report
from kafaat.grants.pages.feedback import refusal
from kafaat.grants.pages.funding.forms import (
    AgreementForm,
    BeneficiaryForm,
    PaymentForm,
    ReviewForm,
    SignForm,
)
from kafaat.grants.services import agreements as services
from kafaat.grants.services import measures, reports
from kafaat.grants.services.workflow import TransitionRefused
from kafaat.results import iati


def _signed_in(request) -> None:
    if not request.user.is_authenticated:
        raise PermissionDenied


def awaiting_agreement(user):
    """Awarded applications of the calls the user manages that have no agreement yet."""
    rows = Application.objects.filter(status="awarded", agreement__isnull=True)
    if not (user.is_superuser and user.is_active):
        rows = rows.filter(call__organisation__in=access.organisations_where(user, access_rules.MANAGE_CALLS))
    return rows.select_related("organisation", "lot").order_by("reference")


def agreements(request):
    _signed_in(request)
    if not access.has_permission(request.user, access_rules.MANAGE_CALLS):
        raise PermissionDenied
    managed = access.organisations_where(request.user, access_rules.MANAGE_CALLS)
    rows = services.agreements_for(request.user)
    if not request.user.is_superuser:
        rows = rows.filter(application__call__organisation__in=managed)
    return render(
        request,
        "grants/funding/agreements.html",
        {
            "agreements": rows.order_by("reference"),
            "awaiting": awaiting_agreement(request.user),
            "to_review": reports.reports_to_review(request.user)[:50],
        },
    )


def my_grants(request):
    _signed_in(request)
    if not access.has_permission(request.user, access_rules.APPLY):
        raise PermissionDenied
    return render(
        request,
        "grants/funding/my_grants.html",
        {
            "agreements": services.grantee_agreements(request.user).order_by("reference"),
            "due": reports.reports_due(request.user, within_days=366),
        },
    )


def _agreement_context(request, agreement, **extra) -> dict:
    user = request.user
    officer = access_rules.can_manage_call(user, agreement.application.call)
    grantee = access_rules.is_applicant_of(user, agreement.application)
    return {
        "agreement": agreement,
        "application": agreement.application,
        "is_officer": officer,
        "is_grantee": grantee,
        # Each released tranche has its payment form, with ids of its own (one page, several forms).
        "tranches": [
            (
                s,
                PaymentForm(auto_id=f"id_t{s.tranche.pk}_%s")
                if officer and s.tranche.status == "released"
                else None,
            )
            for s in services.tranche_states(agreement)
        ],
        "reports": agreement.reports.all(),
        "budget": services.budget_vs_actual(agreement),
        "disbursed": services.disbursed(agreement),
        "beneficiaries": agreement.beneficiaries.select_related("person").order_by("added_at", "id")[:200]
        if grantee
        else None,
        "beneficiary_count": agreement.beneficiaries.count(),
        "sign_form": SignForm() if officer and agreement.status == "draft" else None,
        "beneficiary_form": BeneficiaryForm(services.candidate_beneficiaries(user, agreement))
        if grantee and agreement.status == "signed"
        else None,
        **extra,
    }


def agreement(request, pk: int):
    _signed_in(request)
    found = services.get_agreement(request.user, pk)
    return render(request, "grants/funding/agreement.html", _agreement_context(request, found))


def new_agreement(request, pk: int):
    _signed_in(request)
    application = Application.objects.select_related("call", "organisation").filter(pk=pk).first()
    if application is None or not access_rules.can_view_application(request.user, application):
        raise access.OutOfScope(Application, pk)
    if not access_rules.can_manage_call(request.user, application.call):
        raise PermissionDenied
    ceiling = services.awarded_amount(application)
    form = AgreementForm(
        request.POST or None, initial={"amount": ceiling, "reference": f"CS-{application.reference}"}
    )
    if request.method == "POST" and form.is_valid():
        tranches, schedule = form.schedules()
        data = form.cleaned_data
        try:
            created = services.create_agreement(
                request.user,
                application,
                reference=data["reference"],
                amount=data["amount"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                tranches=tranches,
                schedule=schedule,
            )
        except ValidationError as error:
            refusal(request, error)
        else:
            messages.success(request, _("The agreement is drawn up: record its signature once signed."))
            return redirect("grants:agreement", created.pk)
    return render(
        request,
        "grants/funding/new_agreement.html",
        {"application": application, "form": form, "ceiling": ceiling},
    )


@require_POST
def sign(request, pk: int):
    found = services.get_agreement(request.user, pk)
    form = SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date the agreement was signed."))
    else:
        try:
            services.sign_agreement(request.user, found, form.cleaned_data["signed_on"])
            messages.success(request, _("The signature is recorded."))
        except ValidationError as error:
            refusal(request, error)
    return redirect("grants:agreement", found.pk)


@require_POST
def close(request, pk: int):
    found = services.get_agreement(request.user, pk)
    try:
        services.close_grant(request.user, found)
        messages.success(request, _("The grant is closed."))
    except (ValidationError, TransitionRefused) as error:
        refusal(request, error)
    return redirect("grants:agreement", found.pk)


@require_POST
def release(request, pk: int):
    tranche = services.get_tranche(request.user, pk)
    try:
        services.release_tranche(request.user, tranche)
        messages.success(request, _("The tranche is released: record its payment."))
    except ValidationError as error:
        refusal(request, error)
    return redirect("grants:agreement", tranche.agreement_id)


@require_POST
def pay(request, pk: int):
    tranche = services.get_tranche(request.user, pk)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        try:
            services.record_payment(request.user, tranche, **form.cleaned_data)
            messages.success(request, _("The payment is recorded."))
        except ValidationError as error:
            refusal(request, error)
    return redirect("grants:agreement", tranche.agreement_id)


@require_POST
def add_beneficiary(request, pk: int):
    found = services.get_agreement(request.user, pk)
    try:
        person_id = int(request.POST.get("person", ""))
    except ValueError:
        messages.error(request, _("Choose a person."))
        return redirect("grants:agreement", found.pk)
    try:
        services.add_beneficiary(request.user, found, person_id)
        messages.success(request, _("The person is added to the grant's beneficiaries."))
    except ValidationError as error:
        refusal(request, error)
    return redirect("grants:agreement", found.pk)


def _report_context(request, report: Report, **extra) -> dict:
    user = request.user
    agreement = report.agreement
    editable = access_rules.can_report(user, report) and agreement.status == "signed"
    spent = {e.budget_line_id: e.amount for e in report.expenditures.all()}
    values = {v.indicator_id: v for v in report.values.all()}
    budget = services.budget_vs_actual(agreement)
    return {
        "report": report,
        "agreement": agreement,
        "application": agreement.application,
        "editable": editable,
        "is_officer": access_rules.can_manage_call(user, agreement.application.call),
        "lines": [(row, spent.get(row.line.pk)) for row in budget if row.line is not None],
        "budget_total": budget[-1],
        "contributions": [(c, values.get(c.indicator_id)) for c in reports.contributions_of(report)],
        "review_form": ReviewForm() if report.status == Report.Status.SUBMITTED else None,
        **extra,
    }


def _posted_number(raw: str):
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return Decimal(raw.replace(",", ".").replace(" ", "").replace("\u202f", ""))
    except InvalidOperation:
        return raw  # the service says it is not a number


def report(request, pk: int):
    _signed_in(request)
    found = reports.get_report(request.user, pk)
    if request.method == "POST":
        lines = found.agreement.application.budget_lines.values_list("pk", flat=True)
        indicators = reports.contributions_of(found).values_list("indicator_id", flat=True)
        try:
            reports.save_report(
                request.user,
                found,
                narrative=request.POST.get("narrative", ""),
                file=request.FILES.get("file"),
                expenditures={pk_: _posted_number(request.POST.get(f"line_{pk_}")) for pk_ in lines},
                values={
                    i: (
                        _posted_number(request.POST.get(f"indicator_{i}")),
                        _posted_number(request.POST.get(f"women_{i}")),
                    )
                    for i in indicators
                },
            )
        except ValidationError as error:
            refusal(request, error)
        else:
            messages.success(request, _("The report is saved."))
            return redirect("grants:report", found.pk)
    return render(request, "grants/funding/report.html", _report_context(request, found))


@require_POST
def submit(request, pk: int):
    found = reports.get_report(request.user, pk)
    try:
        reports.submit_report(request.user, found)
        messages.success(request, _("The report is submitted to the grants officer."))
    except ValidationError as error:
        refusal(request, error)
    return redirect("grants:report", found.pk)


@require_POST
def review(request, pk: int):
    found = reports.get_report(request.user, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether the report is accepted or returned."))
        return redirect("grants:report", found.pk)
    try:
        reports.review_report(
            request.user,
            found,
            accept=form.cleaned_data["decision"] == "accept",
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("The review is recorded."))
    except ValidationError as error:
        refusal(request, error)
    return redirect("grants:report", found.pk)


def figures(request):
    _signed_in(request)
    if not access.has_permission(request.user, access_rules.VIEW_AGGREGATES):
        raise PermissionDenied
    projects = Project.objects.filter(Q(calls__in=measures.calls_for_aggregates(request.user))).distinct()
    chosen = projects.filter(code=request.GET.get("project", "")[:40]).first()
    result = measures.grant_figures(request.user, chosen)
    vulnerability = [
        (measures.VULNERABILITIES[key], table) for key, table in result.beneficiaries_by_vulnerability.items()
    ]
    sexes = [
        (measures.SEXES.get(key, _("Not recorded")), result.beneficiaries_by_sex.cells[key])
        for key in result.beneficiaries_by_sex.keys
    ]
    return render(
        request,
        "grants/funding/figures.html",
        {
            "figures": result,
            "projects": projects,
            "chosen": chosen,
            "vulnerability": vulnerability,
            "sexes": sexes,
        },
    )


def iati_xml(request, code: str):
    """The project's IATI activity with the grants' disbursements and grantees (measures.iati_document)."""
    _signed_in(request)
    if not access.has_permission(request.user, access_rules.VIEW_AGGREGATES):
        raise PermissionDenied
    calls = measures.calls_for_aggregates(request.user)
    project = access.in_scope_or_404(Project.objects.filter(calls__in=calls).distinct(), code=code[:40])
    try:
        document = measures.iati_document(project)
    except iati.IatiError as error:
        messages.error(
            request,
            _("The IATI file could not be made: %(problems)s") % {"problems": "; ".join(error.problems[:5])},
        )
        return redirect("grants:figures")
    audit.record(audit.Action.EXPORT, request.user, project, details={"report": "iati", "with": "grants"})
    response = HttpResponse(document, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{project.code}-iati-grants.xml"'
    return response
