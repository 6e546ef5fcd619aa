"""The attributes of a progress fragment that polls for itself while a job is queued or running:

    {% load polling %}
    {% url 'registry:import_job' job.pk as poll_url %}
    <div id="import-job"{% poll_while poll_url until=job.finished %}> … {% poll_stopped until=job.finished %}
    <div id="job-rows"{% poll_while request.get_full_path when=active %}> … {% poll_stopped when=active %}

`poll_while` writes `hx-get`, `hx-trigger="load delay:…"` and `hx-swap="outerHTML"`, backing off from 2 s to
10 s to 30 s and stopping after about half an hour (core/pages/polling.py); nothing when nothing runs.
`poll_stopped` says, in the page's language, that the page stopped refreshing itself, when it has.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from kafaat.core.pages import polling

register = template.Library()


def _active(when, until) -> bool:
    return not until if until is not None else bool(when)


def _current(context) -> int:
    request = context.get("request")
    return polling.poll_number(request.GET.get(polling.POLL_PARAMETER) if request is not None else None)


@register.simple_tag(takes_context=True)
def poll_while(context, url: str, when=None, until=None) -> str:
    poll = polling.next_poll(_active(when, until), str(url), _current(context))
    if poll.seconds is None:
        return ""
    return format_html(
        ' hx-get="{}" hx-trigger="load delay:{}s" hx-swap="outerHTML" data-poll-seconds="{}"',
        poll.url,
        poll.seconds,
        poll.seconds,
    )


@register.simple_tag(takes_context=True)
def poll_stopped(context, when=None, until=None) -> str:
    if not polling.next_poll(_active(when, until), "", _current(context)).stopped:
        return ""
    return format_html(
        '<p class="muted" id="poll-stopped" role="status">{}</p>',
        _("This page stopped refreshing itself: reload it to see the latest progress."),
    )
