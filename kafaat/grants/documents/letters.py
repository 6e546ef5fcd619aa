"""The letter of a decision to its applicant, in the application's language (fr, ar right to left, en):
the call, the application, the stage, the decision and its reason; made with kafaat/core/documents."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from kafaat.core.documents import Document, pdf_bytes
from kafaat.core.l10n.formatting import format_date, format_number
from kafaat.core.l10n.names import name_in
from kafaat.grants.models import Decision, Stage


def letter_pdf(decision: Decision) -> bytes:
    application = decision.application
    call = application.call
    language = application.language or "fr"
    with translation.override(language):
        sender = name_in(call.organisation, language, prefix="name")[0]
        document = Document(
            language,
            title=_("Decision on your application"),
            header_text=sender,
            footer_text=f"{call.code} — {application.reference}",
        )
        document.add_page()
        document.paragraph(
            format_date(decision.decided_at, language, "long", isolated=False), align=document.end
        )
        document.ln(4)
        document.paragraph(name_in(application.organisation, language, prefix="name")[0], bold=True)
        document.ln(6)
        document.heading(_("Decision on your application"))
        rows = [
            [_("Call for proposals"), name_in(call, language, prefix="name")[0]],
            [_("Application"), f"{application.reference} — {application.title}"],
            [_("Stage"), str(Stage(decision.stage).label)],
            [_("Decision"), decision.get_outcome_display()],
        ]
        if decision.amount is not None:
            rows.append(
                [
                    _("Amount"),
                    f"{format_number(decision.amount, language, 2, isolated=False)} {call.currency}",
                ]
            )
        document.table_of([_("Subject"), _("Detail")], rows, widths=(50, 130))
        document.ln(4)
        document.paragraph(_("Reason for the decision:"), bold=True)
        document.paragraph(decision.reason or "—")
        document.ln(8)
        document.paragraph(_("The grants officer, on behalf of the evaluation committee"), align=document.end)
        return pdf_bytes(document)
