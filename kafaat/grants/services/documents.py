"""An application's documents: at most 10 MB each, a PDF, JPEG, PNG, Word or Excel file by its content;
who may see one may download it, anyone else gets 404."""

from __future__ import annotations

import zipfile

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.grants import access_rules
from kafaat.grants.models import (
    Application,
    Document,
)
from kafaat.grants.services.applications import require_editor

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


ALLOWED_TYPES = {"pdf": "pdf", "jpg": "jpeg", "jpeg": "jpeg", "png": "png", "docx": "docx", "xlsx": "xlsx"}


def sniff(head: bytes, file) -> str | None:
    """The type a file's content says it is (pdf, jpeg, png, docx, xlsx), whatever its name says."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        try:
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            file.seek(0)
        if "[Content_Types].xml" not in names:
            return None
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
    return None


@transaction.atomic
def add_document(user, application: Application, kind: str, upload) -> Document:
    """Attach a file: at most 10 MB, a PDF, JPEG, PNG, Word or Excel file by its content (and its name must
    say the same). A refused file changes nothing already saved."""
    require_editor(user, application)
    if kind not in Document.Kind.values:
        raise ValidationError({"kind": [_("Pick the kind of document.")]})
    if upload is None:
        raise ValidationError({"file": [_("Choose a file.")]})
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError({"file": [_("The file is larger than 10 MB.")]})
    if upload.size == 0:
        raise ValidationError({"file": [_("The file is empty.")]})
    name = (upload.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    actual = sniff(head, upload)
    if extension not in ALLOWED_TYPES or actual != ALLOWED_TYPES[extension]:
        raise ValidationError(
            {
                "file": [
                    _(
                        "Only PDF, JPEG, PNG, Word (.docx) and Excel (.xlsx) files are accepted, and the "
                        "file's content must match its name."
                    )
                ]
            }
        )
    document = Document(application=application, kind=kind, name=name, size=upload.size, uploaded_by=user)
    document.file.save(f"{application.reference}-{kind}.{extension}", upload, save=False)
    document.save()
    audit.record(audit.Action.CREATE, user, document, details={"application": application.reference})
    return document


@transaction.atomic
def delete_document(user, document: Document) -> None:
    require_editor(user, document.application)
    audit.record(audit.Action.DELETE, user, document, details={"application": document.application.reference})
    document.file.delete(save=False)
    document.delete()


def get_document(user, pk: int) -> Document:
    document = Document.objects.select_related("application__call").filter(pk=pk).first()
    if document is None or not access_rules.can_view_application(user, document.application):
        raise access.OutOfScope(Document, pk)
    return document
