"""The pages a person sees when something goes wrong: in their language, never a traceback.

DEBUG is off unless a developer asks for it (`KAFAAT_DEBUG=1`), so these pages are what the demo shows too.
"""

from __future__ import annotations

import logging
import uuid

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger("kafaat.errors")


def server_error(request):
    """500: a reference the administrator finds in the log beside the traceback; no database query."""
    reference = uuid.uuid4().hex[:12]
    logger.error("Server error %s on %s", reference, request.get_full_path()[:300], exc_info=True)
    # Rendered without context processors: the failure may be the database they would query.
    html = loader.get_template("500.html").render({"reference": reference})
    return HttpResponseServerError(html)


def bad_request(request, exception):
    return render(request, "400.html", status=400)


def csrf_failure(request, reason=""):
    """A form sent from a page too old (or from another site): explained, not Django's English page."""
    message = _("This form has expired or was not sent from Kafaat. Go back, reload the page and try again.")
    return render(request, "403.html", {"message": message}, status=403)
