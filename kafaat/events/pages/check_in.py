"""The check-in page: a phone at the door scans badges (BarcodeDetector where the browser has it) or takes a
typed code, for the session picked (by default the one running now). htmx posts the code; the answer is a
small fragment saying who was checked in, or why not."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_POST

from kafaat.events import services
from kafaat.events.services import CheckInResult


def check_in_page(request, pk: int):
    event = services.get_event_to_manage(request.user, pk)
    sessions = services.sessions_of(event)
    chosen = request.GET.get("session")
    session = next((s for s in sessions if str(s.pk) == chosen), None) or services.current_session(sessions)
    return render(request, "events/check_in.html", {"event": event, "sessions": sessions, "session": session})


@require_POST
def check_in_scan(request, session_pk: int):
    session = services.get_session(request.user, session_pk)
    services.check_in_allowed(request.user, session)
    result = services.check_in(request.user, session, request.POST.get("code", ""))
    tone = (
        "ok"
        if result.outcome == CheckInResult.OK
        else "warn"
        if result.outcome == CheckInResult.ALREADY
        else "error"
    )
    context = {"result": result, "message": services.describe_check_in(result), "tone": tone}
    # 200 even for a refusal: htmx swaps only 2xx answers, and the refusal is what the door keeper must read.
    return render(request, "events/_check_in_result.html", context)
