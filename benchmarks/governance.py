"""Benchmark of the governance figures on PostgreSQL, in one run, each against a baseline measured in it.

    .venv/bin/python benchmarks/governance.py [--scale 1.0] [--reuse] [--keep]

The scratch database is `kafaat_bench_governance` (or `$KAFAAT_BENCH_DATABASE`). At `--scale 1` it holds
20,000 events (2 sessions each, one project), 200,000 contacts, 1,000,000 registrations and 2,000,000 session
attendances; `--scale 0.01` runs in about a minute. Every figure is printed with the load average: the
machine is shared.

1. The participant indicators of the project (participants by sex, organisation type, role, event type and
   region; events by type and region; attendance rate by the same) warm from the snapshot (median of 5),
   against the same counts by ORM queries (one per indicator and grouping). Goal: ≤ 1 s.
2. The check-in of one badge: the registration found by its badge code, the event's session under way, one
   Attendance created (or found: a second scan records nothing), 200 badges, p95. Goal: ≤ 100 ms.
   NOTE: the events app's check-in service is not in this branch; this times the same work done directly on
   the models — the integrator replaces `check_in` below by the service's call (marked SLOT).
3. An event page with 1,000 registrants: what it reads (the event, its sessions, the first page of 50
   registrants with their contacts, counts by status, attendances per session), 50 times, p95. Goal: ≤ 200 ms.
   NOTE: the events pages are not in this branch: these are the page's reads without the template (SLOT).
4. Importing a 500-row sign-in sheet with matching: NOT MEASURED here — the events app's import is not in
   this branch (SLOT: `sign_in_sheet`); what is timed is its matching part, 500 names looked up in the
   200,000 contacts by the directory's normalised search key, and the 500 attendances written.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = "kafaat_bench_governance"
PROJECT = "bench-gov"
PERIOD = (date(2024, 1, 1), date(2026, 12, 31))
STAMP = "2026-01-01 00:00:00+00"
EVENT_TYPES = ("conference", "workshop", "capacity_building", "training_module", "seminar", "study_visit")
ORGANISATION_TYPES = (
    "ministry",
    "ofppt",
    "regional_council",
    "employer",
    "professional_association",
    "ngo",
    "training_provider",
    "donor",
    "other",
)
ROLES = ("participant", "participant", "participant", "participant", "speaker", "facilitator", "organiser")
DIMENSIONS = ("sex", "organisation_type", "participant_role", "event_type", "region")
BADGE_ALPHABET = np.array(list("ABCDEFGHJKMNPQRSTUVWXYZ23456789"))


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}  (load {load_average()})", flush=True)


def prepare(server: str, reuse: bool) -> bool:
    """Point Django at the scratch database; returns whether it must be loaded."""
    import psycopg

    global DATABASE  # noqa: PLW0603 — set once from the environment
    DATABASE = os.environ.get("KAFAAT_BENCH_DATABASE", DATABASE)
    url = f"{server}/{DATABASE}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if exists and reuse:
            with psycopg.connect(url) as conn:
                try:
                    if conn.execute("SELECT count(*) FROM events_attendance").fetchone()[0]:
                        os.environ["DATABASE_URL"] = url
                        return False
                except psycopg.Error:
                    pass
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    os.environ["DATABASE_URL"] = url
    return True


def _copy(cursor, table: str, data: pa.Table) -> None:
    buffer = io.BytesIO()
    pacsv.write_csv(data, buffer, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
    with cursor.copy(f"COPY {table} ({', '.join(data.column_names)}) FROM STDIN WITH (FORMAT csv)") as copy:
        view = buffer.getbuffer()
        for start in range(0, len(view), 1 << 20):
            copy.write(view[start : start + (1 << 20)])


def _constant(value, n: int) -> pa.Array:
    return pa.array(np.full(n, value))


def _badges(ids: np.ndarray) -> pa.Array:
    """A unique 10-character badge code per registration id (its digits in the badge alphabet)."""
    digits, rest = [], ids.copy()
    for _ in range(10):
        digits.append(BADGE_ALPHABET[rest % 31])
        rest //= 31
    return pa.array(["".join(chars) for chars in zip(*digits[::-1], strict=True)])


def load(url: str, scale: float, seed: int = 15) -> dict[str, int]:
    """The synthetic governance world, written with COPY."""
    import uuid

    import psycopg

    from kafaat.core.models import Organisation, Project, Territory

    rng = np.random.default_rng(seed)
    n_events, n_contacts = max(int(20_000 * scale), 10), max(int(200_000 * scale), 2_000)
    per_event = 50  # registrants, each at both sessions: 2,000,000 attendances at scale 1
    regions = list(Territory.objects.filter(level="region").order_by("code").values_list("id", flat=True))
    provinces = list(Territory.objects.filter(level="province").values_list("id", flat=True))
    organisation = Organisation.objects.create(
        code="bench-org", type="implementing_agency", name_fr="Bench", territory_id=regions[0]
    )
    project = Project.objects.create(code=PROJECT, name_fr="Bench", start_date=PERIOD[0])
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        ids = np.arange(1, n_contacts + 1)
        first = np.array(["Amina", "Youssef", "Fatima", "Omar", "Khadija", "Hassan", "Salma", "Rachid"])
        last = np.array(["Alaoui", "Bennani", "Tazi", "Idrissi", "Fassi", "Amrani", "Berrada", "Ziani"])
        fn, ln = first[rng.integers(0, 8, n_contacts)], last[rng.integers(0, 8, n_contacts)]
        suffix = np.char.mod("%d", ids)
        last_names = np.char.add(np.char.add(ln, " "), suffix)
        _copy(
            cursor,
            "contacts_contact",
            pa.table(
                {
                    "id": ids,
                    "uid": pa.array([str(uuid.UUID(int=int(i))) for i in ids]),
                    "managed_by_id": _constant(organisation.pk, n_contacts),
                    "territory_id": pa.array(
                        np.array(provinces)[rng.integers(0, len(provinces), n_contacts)]
                    ),
                    "external_id": _constant("", n_contacts),
                    "first_name_ar": _constant("", n_contacts),
                    "last_name_ar": _constant("", n_contacts),
                    "first_name_latin": pa.array(fn),
                    "last_name_latin": pa.array(last_names),
                    "search_name": pa.array(np.char.lower(np.char.add(np.char.add(fn, " "), last_names))),
                    "sex": pa.array(np.where(rng.random(n_contacts) < 0.45, "F", "M")),
                    "organisation_name": _constant("", n_contacts),
                    "organisation_type": pa.array(
                        np.array(ORGANISATION_TYPES)[rng.integers(0, 9, n_contacts)]
                    ),
                    "position": _constant("", n_contacts),
                    "is_trainer": pa.array(rng.random(n_contacts) < 0.1),
                    "is_expert": _constant(False, n_contacts),
                    "home_institution": _constant("", n_contacts),
                    "country": _constant("MA", n_contacts),
                    "email": _constant("", n_contacts),
                    "phone": _constant("", n_contacts),
                    "languages": _constant("[]", n_contacts),
                    "preferred_language": _constant("fr", n_contacts),
                    "consent_to_contact": _constant(False, n_contacts),
                    "created_at": _constant(STAMP, n_contacts),
                    "updated_at": _constant(STAMP, n_contacts),
                }
            ),
        )
        event_ids = np.arange(1, n_events + 1)
        starts = np.datetime64(PERIOD[0]) + rng.integers(0, 1000, n_events).astype("timedelta64[D]")
        _copy(
            cursor,
            "events_event",
            pa.table(
                {
                    "id": event_ids,
                    "uid": pa.array([str(uuid.UUID(int=int(i))) for i in event_ids]),
                    "name_fr": pa.array(np.char.add("Événement ", np.char.mod("%d", event_ids))),
                    "name_ar": _constant("", n_events),
                    "name_en": _constant("", n_events),
                    "type": pa.array(np.array(EVENT_TYPES)[rng.integers(0, len(EVENT_TYPES), n_events)]),
                    "organiser_id": _constant(organisation.pk, n_events),
                    "project_id": _constant(project.pk, n_events),
                    "start_date": pa.array(starts.astype(str)),
                    "end_date": pa.array((starts + 1).astype(str)),
                    "territory_id": pa.array(np.array(regions)[rng.integers(0, len(regions), n_events)]),
                    "venue": _constant("", n_events),
                    "country": _constant("MA", n_events),
                    "languages": _constant("[]", n_events),
                    "description": _constant("", n_events),
                    "certificate_threshold": _constant(80, n_events),
                    "is_cancelled": _constant(False, n_events),
                    "created_at": _constant(STAMP, n_events),
                }
            ),
        )
        session_event = np.repeat(event_ids, 2)
        session_day = np.repeat(starts, 2) + np.tile([0, 1], n_events).astype("timedelta64[D]")
        _copy(
            cursor,
            "events_session",
            pa.table(
                {
                    "id": np.arange(1, 2 * n_events + 1),
                    "event_id": session_event,
                    "title": _constant("", 2 * n_events),
                    "starts_at": pa.array(np.char.add(session_day.astype(str), " 09:00:00+00")),
                    "ends_at": pa.array(np.char.add(session_day.astype(str), " 12:00:00+00")),
                    "position": pa.array(np.tile([0, 1], n_events)),
                }
            ),
        )
        # Registrants: per_event distinct contacts per event (event 1 gets 1,000: the event page's).
        counts = np.full(n_events, per_event)
        counts[0] = min(1_000, n_contacts)
        registration_event = np.repeat(event_ids, counts)
        # Distinct contacts within an event: a run of consecutive ids from a random offset.
        offsets = np.repeat(rng.integers(0, n_contacts, n_events), counts)
        within = np.arange(len(offsets)) - np.repeat(np.cumsum(counts) - counts, counts)
        contacts = (offsets + within) % n_contacts + 1
        n_registrations = len(registration_event)
        registration_ids = np.arange(1, n_registrations + 1)
        _copy(
            cursor,
            "events_registration",
            pa.table(
                {
                    "id": registration_ids,
                    "event_id": registration_event,
                    "contact_id": contacts,
                    "status": _constant("attended", n_registrations),
                    "role": pa.array(np.array(ROLES)[rng.integers(0, len(ROLES), n_registrations)]),
                    "badge_code": _badges(registration_ids),
                    "language": _constant("fr", n_registrations),
                    "completion_certified": _constant(False, n_registrations),
                    "created_at": _constant(STAMP, n_registrations),
                    "updated_at": _constant(STAMP, n_registrations),
                }
            ),
        )
        # Attendance: every registrant at both sessions of their event, except event 1's (left for check-ins).
        attending = registration_event != 1
        reg = np.repeat(registration_ids[attending], 2)
        session = np.repeat((registration_event[attending] - 1) * 2, 2) + np.tile(
            [1, 2], int(attending.sum())
        )
        n_attendances = len(reg)
        _copy(
            cursor,
            "events_attendance",
            pa.table(
                {
                    "id": np.arange(1, n_attendances + 1),
                    "registration_id": reg,
                    "session_id": session,
                    "source": _constant("check_in", n_attendances),
                    "recorded_at": _constant(STAMP, n_attendances),
                }
            ),
        )
        for table in (
            "contacts_contact",
            "events_event",
            "events_session",
            "events_registration",
            "events_attendance",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
            )
            cursor.execute(f"ANALYZE {table}")
        conn.commit()
    return {
        "events": n_events,
        "contacts": n_contacts,
        "registrations": n_registrations,
        "attendances": n_attendances,
    }


def specs():
    from kafaat.results.engine import IndicatorSpec

    return [
        IndicatorSpec("participants", "event_participants", {}, DIMENSIONS),
        IndicatorSpec("events", "events_held", {}, ("event_type", "region")),
        IndicatorSpec("attendance", "attendance_rate", {}, DIMENSIONS),
    ]


def orm_baseline() -> tuple[float, int, int]:
    """The same figures by ORM queries: distinct contacts attending by each grouping, events by type and
    region, attended and due sessions by each grouping."""
    from django.db.models import Count
    from django.db.models.functions import Substr

    from kafaat.events.models import Attendance, Event, Registration

    started, queries = time.perf_counter(), 0
    attended = Attendance.objects.filter(
        registration__event__project__code=PROJECT,
        session__starts_at__date__range=PERIOD,
        registration__event__is_cancelled=False,
    )
    groupings = {
        "sex": "registration__contact__sex",
        "organisation_type": "registration__contact__organisation_type",
        "participant_role": "registration__role",
        "event_type": "registration__event__type",
        "region": "region",
    }
    total = attended.aggregate(n=Count("registration__contact", distinct=True))["n"]
    queries += 1
    for column in groupings.values():
        rows = attended.annotate(region=Substr("registration__event__territory__path", 1, 5))
        list(rows.values(column).annotate(n=Count("registration__contact", distinct=True)))
        queries += 1
    events = Event.objects.filter(
        project__code=PROJECT, start_date__range=PERIOD, parent=None, is_cancelled=False
    )
    events.count()
    list(events.values("type").annotate(n=Count("id")))
    list(events.annotate(region=Substr("territory__path", 1, 5)).values("region").annotate(n=Count("id")))
    queries += 3
    # The attendance rate: attendances and sessions due of the registrants, by each grouping (two queries).
    registrants = Registration.objects.filter(
        event__project__code=PROJECT,
        event__end_date__range=PERIOD,
        status__in=("registered", "attended", "no_show"),
    ).annotate(region=Substr("event__territory__path", 1, 5))
    came = Attendance.objects.filter(
        registration__in=Registration.objects.filter(
            event__project__code=PROJECT,
            event__end_date__range=PERIOD,
            status__in=("registered", "attended", "no_show"),
        )
    ).annotate(region=Substr("registration__event__territory__path", 1, 5))
    rate_groupings = {
        "sex": "contact__sex",
        "organisation_type": "contact__organisation_type",
        "participant_role": "role",
        "event_type": "event__type",
        "region": "region",
    }
    registrants.aggregate(d=Count("event__sessions"))
    came.count()
    queries += 2
    for column in rate_groupings.values():
        list(registrants.values(column).annotate(d=Count("event__sessions")))
        attended_column = "region" if column == "region" else f"registration__{column}"
        list(came.values(attended_column).annotate(a=Count("id")))
        queries += 2
    return time.perf_counter() - started, queries, total


def check_in(badge: str, moment) -> bool:
    """SLOT: the events app's check-in service replaces this direct use of the models (same work)."""
    from kafaat.events.models import Attendance, Registration

    registration = Registration.objects.select_related("event").get(badge_code=badge)
    session = registration.event.sessions.filter(starts_at__date=moment.date()).order_by("starts_at").first()
    _attendance, created = Attendance.objects.get_or_create(
        registration=registration, session=session, defaults={"source": "check_in"}
    )
    return created


def event_page_reads(event_id: int) -> int:
    """SLOT: the events app's event page; here its reads without the template."""
    from django.db.models import Count

    from kafaat.events.models import Attendance, Event, Registration

    event = Event.objects.select_related("organiser", "territory", "project").get(pk=event_id)
    sessions = list(event.sessions.all())
    registrants = Registration.objects.filter(event=event).select_related("contact").order_by("id")
    page = list(registrants[:50])
    by_status = dict(registrants.order_by().values_list("status").annotate(n=Count("id")))
    per_session = dict(
        Attendance.objects.filter(session__event=event)
        .values_list("session")
        .annotate(n=Count("id"))
        .order_by()
    )
    return len(page) + len(sessions) + len(by_status) + len(per_session) + registrants.count()


def matching_stand_in(rows: int = 500) -> float:
    """SLOT `sign_in_sheet`: its matching part — names found by the search key, attendances written."""
    from kafaat.contacts.models import Contact
    from kafaat.events.models import Attendance, Registration, Session

    names = list(Contact.objects.order_by("?").values_list("search_name", flat=True)[:rows])
    started = time.perf_counter()
    found = {
        c.search_name: c.pk for c in Contact.objects.filter(search_name__in=names).only("pk", "search_name")
    }
    registrations = dict(
        Registration.objects.filter(event_id=2, contact_id__in=found.values()).values_list("contact_id", "pk")
    )
    session = Session.objects.filter(event_id=2).order_by("starts_at").first()
    Attendance.objects.bulk_create(
        [
            Attendance(registration_id=r, session=session, source="sign_in_sheet")
            for r in registrations.values()
        ],
        ignore_conflicts=True,
    )
    return time.perf_counter() - started


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 20,000 events, 2,000,000 attendances")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--reuse", action="store_true", help="keep an already loaded scratch database")
    parser.add_argument("--keep", action="store_true", help="do not drop the scratch database at the end")
    args = parser.parse_args()

    must_load = prepare(args.server, args.reuse)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kafaat.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from kafaat.events.models import Registration
    from kafaat.observatory import snapshot, warehouse
    from kafaat.results.engine import compute

    if must_load:
        call_command("migrate", verbosity=0)
        log("loading")
        started = time.monotonic()
        counts = load(f"{args.server}/{DATABASE}", args.scale)
        log(f"loaded {counts} in {time.monotonic() - started:.0f} s")
    folder = Path(tempfile.mkdtemp(prefix="governance-bench-"))
    path = folder / "warehouse.duckdb"
    refreshed = warehouse.refresh(path=path, full=True)
    log(
        f"refresh: {refreshed.seconds:.1f} s; governance tables: "
        f"{ {k: v for k, v in refreshed.rows.items() if k.startswith('gov_')} }"
    )

    chosen = specs()
    snapshot.close_all()
    cold = compute(PROJECT, *PERIOD, chosen, path=path)
    warm = statistics.median(compute(PROJECT, *PERIOD, chosen, path=path).seconds for _ in range(5))
    log(f"engine: cold {cold.seconds:.3f} s, warm {warm:.3f} s")
    connection.close()
    orm_seconds, queries, orm_total = orm_baseline()
    log(
        f"ORM: {queries} queries, {orm_seconds:.2f} s; participants {orm_total} (engine: "
        f"{cold.results['participants'].total.numerator})"
    )

    badges = list(
        Registration.objects.filter(event_id=1).values_list("badge_code", "event__start_date")[:200]
    )
    check_ins = []
    for badge, day in badges:
        moment = timezone.make_aware(
            timezone.datetime.combine(day, timezone.datetime.min.time())
        ) + timedelta(hours=10)
        started = time.perf_counter()
        check_in(badge, moment)
        check_ins.append(time.perf_counter() - started)
    repeat = time.perf_counter()
    check_in(badges[0][0], moment)  # a second scan of the same badge records nothing
    repeat = time.perf_counter() - repeat
    page = []
    for _ in range(50):
        started = time.perf_counter()
        event_page_reads(1)
        page.append(time.perf_counter() - started)
    matching = matching_stand_in()

    load_now = load_average()

    def row(label: str, value: float, goal: str, baseline: str = "") -> None:
        print(f"{label:<66} {value:>10.3f} {goal:>8} {baseline:>16}  {load_now}")

    print(f"\n{'figure (seconds)':<66} {'value':>10} {'goal':>8} {'baseline':>16}  load average")
    row(
        f"participant indicators, {len(DIMENSIONS)} disaggregations, warm",
        warm,
        "≤ 1",
        f"ORM {orm_seconds:.3f}",
    )
    row("participant indicators, cold (snapshot just opened)", cold.seconds, "", "")
    row(
        f"check-in of one badge, p95 of {len(check_ins)} (SLOT: direct model calls)",
        p95(check_ins),
        "≤ 0.1",
        f"median {statistics.median(check_ins):.3f}",
    )
    row("check-in, the same badge scanned again", repeat, "", "")
    row(
        "event page, 1,000 registrants, p95 of 50 (SLOT: its reads only)",
        p95(page),
        "≤ 0.2",
        f"median {statistics.median(page):.3f}",
    )
    row("sign-in sheet of 500 rows: NOT MEASURED (SLOT); its matching part", matching, "≤ 5", "")
    row("warehouse refresh (full)", refreshed.seconds, "", "")
    print(
        f"\nscale {args.scale}: {Registration.objects.count():,} registrations; participants "
        f"{cold.results['participants'].total.numerator:,} (ORM {orm_total:,})"
    )
    snapshot.close_all()
    path.unlink(missing_ok=True)
    if not args.keep:
        connection.close()
        import psycopg

        with psycopg.connect(f"{args.server}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


if __name__ == "__main__":
    main()
