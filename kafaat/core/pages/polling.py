"""How a page that shows a background job's progress polls for it (htmx), and when it stops.

A progress fragment asks for itself again while its job is queued or running: every 2 s at first, then every
10 s, then every 30 s, and after about half an hour it stops and says so (a job that long is followed on the
jobs page, or by reloading). Each answer carries the number of the next poll in its address (`?poll=N`), so
the server picks the delay and no script keeps a timer; a fragment whose jobs have all ended has no trigger,
so the page stops asking at once.

The trigger is htmx's `load delay:…` on the fragment that replaces itself (`outerHTML`): one request per
answer, never two timers, and an interval that can change from one answer to the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

POLL_PARAMETER = "poll"
# (polls, seconds between them): 15 × 2 s (30 s), 30 × 10 s (5 min), 50 × 30 s (25 min), then stop.
SCHEDULE: tuple[tuple[int, int], ...] = ((15, 2), (30, 10), (50, 30))
MAX_POLLS = sum(count for count, _ in SCHEDULE)


def delay_before(poll: int) -> int | None:
    """Seconds to wait before poll number `poll` (0 for the page's first), None when polling has stopped."""
    for count, seconds in SCHEDULE:
        if poll < count:
            return seconds
        poll -= count
    return None


def poll_number(value: str | None) -> int:
    """The poll count from an address (absent, malformed or negative: 0; huge: past the end)."""
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        return 0
    return min(max(number, 0), MAX_POLLS)


def with_poll(url: str, poll: int) -> str:
    """`url` with its poll count set to `poll`, its other parameters (filters, page) kept."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != POLL_PARAMETER]
    query.append((POLL_PARAMETER, str(poll)))
    return urlunsplit(parts._replace(query=urlencode(query)))


@dataclass(frozen=True)
class Poll:
    url: str  # where the next poll goes ("" when none)
    seconds: int | None  # the delay before it; None: no poll (nothing runs, or polling stopped)
    stopped: bool  # something still runs but the page no longer asks (too long)


def next_poll(active: bool, url: str, current: int) -> Poll:
    """The next poll of a fragment showing jobs: none when none is queued or running."""
    if not active:
        return Poll("", None, False)
    seconds = delay_before(current)
    if seconds is None:
        return Poll("", None, True)
    return Poll(with_poll(url, current + 1), seconds, False)
