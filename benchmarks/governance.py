"""Benchmark of the governance figures on PostgreSQL, in one run, each against a baseline measured in it.

    .venv/bin/python benchmarks/governance.py [--scale 1.0] [--reuse] [--keep]

The scratch database is `kafaat_bench_governance` (or `$KAFAAT_BENCH_DATABASE`). At `--scale 1` it holds
20,000 events (2 sessions each, one project), 200,000 contacts, 1,000,000 registrations and 2,000,000 session
attendances; `--scale 0.01` runs in about a minute. Every figure is printed with the load average: the
machine is shared.

1. The participant indicators of the project (participants by sex, organisation type, role, event type and
   region; events by type and region; attendance rate by the same) warm from the snapshot (median of 5),
   against the same counts by ORM queries (one per indicator and grouping). Goal: ≤ 1 s.
2. The check-in of one badge: the events app's service (`services.check_in`) for 200 badges of the 1,000
   registrants of event 1 at its first session, p95; then one badge scanned again (already checked in, nothing
   recorded). Goal: ≤ 100 ms.
3. The event page with 1,000 registrants (`/events/1/`) as served — middleware, view, template — through
   Django's test client, logged in as an administrator of the organiser, 50 times, p95. Goal: ≤ 200 ms.
4. A 500-row sign-in sheet (XLSX: 200 contacts known by e-mail, the event's registrants among them; 100 by
   phone and name; 50 by name only, written surname first, for the review queue; 150 people nobody knows;
   presence marks for the event's two sessions) imported into event 2 through the events app's import
   (`services.start_sign_in_import`, the import framework run inline by the immediate task backend, as in
   the tests), matching included. Goal: ≤ 5 s. Baseline: the same sheet imported again (idempotent: every
   row already imported, nothing written).
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
import scratch  # noqa: E402 — benchmarks/ is on the path
from scratch import load_average, log  # noqa: E402

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
NAME_LETTERS = np.array(list("bcdfghjklmnprstvwz"))
FIRST_NAMES = np.array(
    ["Amina", "Youssef", "Fatima", "Omar", "Khadija", "Hassan", "Salma", "Rachid", "Nadia", "Karim", "Souad",
     "Mehdi", "Hajar", "Adil", "Zineb", "Hamza", "Loubna", "Anas", "Meryem", "Ilyas", "Sanaa", "Driss",
     "Asmae", "Tarik"]
)  # fmt: skip
LAST_NAMES = np.array(
    ["Alaoui", "Bennani", "Tazi", "Idrissi", "Fassi", "Amrani", "Berrada", "Ziani", "Chraibi", "Lahlou",
     "Kettani", "Benjelloun", "Sqalli", "Ouazzani", "Tahiri", "Bouzidi", "Naciri", "Filali", "Hajji", "Rifi",
     "Skalli", "Lamrani", "Cherkaoui", "Sebti"]
)  # fmt: skip
MAIL = "@example.ma"


def prepare(server: str, reuse: bool) -> bool:
    """Point Django at the scratch database ($KAFAAT_BENCH_DATABASE or DATABASE); True: load it."""
    global DATABASE  # noqa: PLW0603 — set once from the environment
    DATABASE = os.environ.get("KAFAAT_BENCH_DATABASE", DATABASE)
    return scratch.prepare(server, DATABASE, "events_attendance", reuse)


def _copy(cursor, table: str, data: pa.Table) -> None:
    buffer = io.BytesIO()
    pacsv.write_csv(data, buffer, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
    with cursor.copy(f"COPY {table} ({', '.join(data.column_names)}) FROM STDIN WITH (FORMAT csv)") as copy:
        view = buffer.getbuffer()
        for start in range(0, len(view), 1 << 20):
            copy.write(view[start : start + (1 << 20)])


def _constant(value, n: int) -> pa.Array:
    return pa.array(np.full(n, value))


def _letters(ids: np.ndarray) -> np.ndarray:
    """A distinct word of consonants per id ("Bkdtl"), so that every contact's name key is its own."""
    digits, rest = [], ids.copy()
    for _ in range(5):
        digits.append(NAME_LETTERS[rest % len(NAME_LETTERS)])
        rest //= len(NAME_LETTERS)
    return np.char.capitalize(np.array(["".join(chars) for chars in zip(*digits[::-1], strict=True)]))


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
        fn = FIRST_NAMES[rng.integers(0, len(FIRST_NAMES), n_contacts)]
        ln = LAST_NAMES[rng.integers(0, len(LAST_NAMES), n_contacts)]
        # A compound family name made distinct by letters (the name keys ignore digits): "Alaoui Bkdt".
        last_names = np.char.add(np.char.add(ln, " "), _letters(ids))
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
                    # Half the directory has an e-mail, a third a phone (the sign-in sheet matches on both).
                    "email": pa.array(np.where(ids % 2 == 0, np.char.add(np.char.mod("c%d", ids), MAIL), "")),
                    "phone": pa.array(np.where(ids % 3 == 0, np.char.mod("+2126%08d", ids), "")),
                    "languages": _constant("[]", n_contacts),
                    "preferred_language": _constant("fr", n_contacts),
                    "consent_to_contact": _constant(False, n_contacts),
                    "created_at": _constant(STAMP, n_contacts),
                    "updated_at": _constant(STAMP, n_contacts),
                }
            ),
        )
        # Their name-word keys, as Contact.save() writes them: what a sign-in sheet is matched through.
        from kafaat.contacts.name_keys import word_keys

        key_contacts, key_values = [], []
        for pk, first, last in zip(ids.tolist(), fn.tolist(), last_names.tolist(), strict=True):
            for key in sorted(word_keys(f"{first} {last}")):
                key_contacts.append(pk)
                key_values.append(key[:40])
        _copy(
            cursor,
            "contacts_contactnamekey",
            pa.table(
                {
                    "id": np.arange(1, len(key_contacts) + 1),
                    "contact_id": pa.array(key_contacts),
                    "key": pa.array(key_values),
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
            "contacts_contactnamekey",
            "events_event",
            "events_session",
            "events_registration",
            "events_attendance",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
            )
        conn.commit()
    # What autovacuum does soon after a bulk load: statistics, and the visibility map index-only scans need.
    with psycopg.connect(url, autocommit=True) as conn:
        for table in ("contacts_contact", "contacts_contactnamekey", "events_event", "events_session",
                      "events_registration", "events_attendance"):  # fmt: skip
            conn.execute(f"VACUUM ANALYZE {table}")
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


def bench_user():
    """An administrator of the organiser: manages its events, sees the whole directory (the sheet's matching
    reads every contact in the user's scope)."""
    from django.contrib.auth import get_user_model

    from kafaat.core.models import Membership, Organisation, Role

    user, created = get_user_model().objects.get_or_create(username="bench-secretariat")
    if created:
        Membership.objects.create(
            user=user, organisation=Organisation.objects.get(code="bench-org"), role=Role.ADMINISTRATOR
        )
    return user


def time_check_ins(user, event_id: int, count: int = 200) -> tuple[list[float], float, dict[str, int]]:
    """The events app's check-in service: `count` badges at the event's first session, then one again."""
    from collections import Counter

    from kafaat.events import services
    from kafaat.events.models import Registration, Session

    session = Session.objects.select_related("event").filter(event_id=event_id).order_by("starts_at").first()
    badges = list(
        Registration.objects.filter(event_id=event_id)
        .exclude(attendances__session=session)
        .order_by("id")
        .values_list("badge_code", flat=True)[:count]
    )
    seconds, results = [], Counter()
    for badge in badges:
        started = time.perf_counter()
        outcome = services.check_in(user, session, badge.lower())  # typed in lower case: normalised
        seconds.append(time.perf_counter() - started)
        results[str(outcome.outcome)] += 1
    started = time.perf_counter()
    outcome = services.check_in(user, session, badges[0])  # a second scan of the same badge records nothing
    repeat = time.perf_counter() - started
    results[f"again: {outcome.outcome}"] += 1
    return seconds, repeat, dict(results)


def time_event_page(user, event_id: int, times: int = 50) -> list[float]:
    """The event page as served (middleware, view, template) through Django's test client, logged in."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    seconds = []
    for _ in range(times):
        started = time.perf_counter()
        response = client.get(f"/events/{event_id}/")
        seconds.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"the event page answered {response.status_code}")
    return seconds


def sign_in_rows(event_id: int, rows: int = 500, unknown_from: int = 0) -> tuple[list[str], list[list[str]]]:
    """A sheet as an organiser would fill it: 200 known by e-mail (the event's registrants among them), 100 by
    phone and name, 50 by their name only (doubtful: the review queue), 150 nobody knows; present at the
    first session, the second, or both."""
    from kafaat.contacts.models import Contact
    from kafaat.events.models import Registration

    registrants = set(Registration.objects.filter(event_id=event_id).values_list("contact_id", flat=True))
    others = [
        pk for pk in Contact.objects.order_by("id").values_list("id", flat=True) if pk not in registrants
    ]
    by_email = sorted(pk for pk in registrants if pk % 2 == 0)  # every even id has an e-mail
    by_email += [pk for pk in others if pk % 2 == 0][: 200 - len(by_email)]
    by_phone = [pk for pk in others if pk % 6 == 3][:100]  # odd multiples of 3: a phone, no e-mail
    by_name = [pk for pk in others if pk % 2 and pk % 3][:50]  # neither: only the name to go by
    contacts = Contact.objects.in_bulk(by_email + by_phone + by_name)
    marks = (["x", ""], ["", "✓"], ["x", "x"], ["oui", "1"])
    sheet = []
    for pk in by_email:
        c = contacts[pk]
        sheet.append([f"{c.first_name_latin} {c.last_name_latin}", "", c.email.upper(), "", ""])
    for pk in by_phone:
        c = contacts[pk]
        sheet.append([f"{c.first_name_latin} {c.last_name_latin}", "", "", "0" + c.phone[4:], c.sex])
    for pk in by_name:
        c = contacts[pk]
        sheet.append([f"{c.last_name_latin} {c.first_name_latin}", "Conseil régional", "", "", ""])
    first_unknown = 3_000_000 + unknown_from
    unknown = _letters(np.arange(first_unknown, first_unknown + rows - len(sheet)))
    for n, word in enumerate(unknown):
        sheet.append([f"{FIRST_NAMES[n % len(FIRST_NAMES)]} Nouveau {word}", "OFPPT", "", "", "FM"[n % 2]])
    for n, row in enumerate(sheet):
        row.extend(marks[n % len(marks)])
    headers = ["Nom et prénom", "Organisme", "E-mail", "Téléphone", "Sexe", "Séance 1", "Séance 2"]
    return headers, sheet[:rows]


def xlsx(headers: list[str], rows: list[list[str]]):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in [headers, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("emargement.xlsx", buffer.getvalue())


def import_sign_in_sheet(user, event_id: int, upload):
    """The events app's import, through the import framework, run inline (the immediate task backend)."""
    from kafaat.core.models import ImportJob
    from kafaat.events import services
    from kafaat.events.models import Event

    started = time.perf_counter()
    job = services.start_sign_in_import(user, Event.objects.get(pk=event_id), upload)
    elapsed = time.perf_counter() - started
    return elapsed, ImportJob.objects.get(pk=job.pk)


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
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import override_settings

    from kafaat.core.models import ImportJob
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

    # The pages and services as served: the immediate task backend (the job runs inline, as in the tests),
    # uploads in a scratch folder, the test client's host.
    # (override_settings: its signal makes the task backends be built again.)
    override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        MEDIA_ROOT=str(folder / "media"),
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
    ).enable()
    user = bench_user()
    check_ins, repeat, outcomes = time_check_ins(user, event_id=1)
    log(f"check-in: {outcomes}")
    page = time_event_page(user, event_id=1)
    log(f"event page: median {statistics.median(page):.3f} s")
    # Each run imports into an event of its own (a reused database keeps the earlier runs' imports).
    run_number = ImportJob.objects.filter(kind="signin", user=user).count() // 2
    headers, sheet = sign_in_rows(event_id=2 + run_number, unknown_from=1000 * run_number)
    sign_in, job = import_sign_in_sheet(user, 2 + run_number, xlsx(headers, sheet))
    if job.status != "done":
        raise SystemExit(f"the sign-in import ended {job.status}: {job.message} {job.errors[:3]}")
    log(f"sign-in sheet: {len(sheet)} rows in {sign_in:.2f} s: {job.details}")
    again, second = import_sign_in_sheet(user, 2 + run_number, xlsx(headers, sheet))
    log(f"the same sheet again: {again:.2f} s, {second.status}, {second.already_imported} already imported")

    load_now = load_average()

    def row(label: str, value: float, goal: str, baseline: str = "") -> None:
        print(f"{label:<66} {value:>10.3f} {goal:>8} {baseline:>22}  {load_now}")

    print(f"\n{'figure (seconds)':<66} {'value':>10} {'goal':>8} {'baseline':>22}  load average")
    row(
        f"participant indicators, {len(DIMENSIONS)} disaggregations, warm",
        warm,
        "≤ 1",
        f"ORM {orm_seconds:.3f}",
    )
    row("participant indicators, cold (snapshot just opened)", cold.seconds, "", "")
    row(
        f"check-in of one badge (services.check_in), p95 of {len(check_ins)}",
        p95(check_ins),
        "≤ 0.1",
        f"median {statistics.median(check_ins):.3f}",
    )
    row("check-in, the same badge scanned again (already checked in)", repeat, "", "")
    row(
        f"event page, {Registration.objects.filter(event_id=1).count():,} registrants, p95 of {len(page)}",
        p95(page),
        "≤ 0.2",
        f"median {statistics.median(page):.3f}",
    )
    row(
        f"sign-in sheet of {len(sheet)} rows imported with matching",
        sign_in,
        "≤ 5",
        f"re-import {again:.3f}",
    )
    row("warehouse refresh (full)", refreshed.seconds, "", "")
    print(
        f"\nscale {args.scale}: {Registration.objects.count():,} registrations; participants "
        f"{cold.results['participants'].total.numerator:,} (ORM {orm_total:,})"
    )
    snapshot.close_all()
    shutil.rmtree(folder, ignore_errors=True)  # the snapshot and the uploaded sheets
    if not args.keep:
        connection.close()
        import psycopg

        with psycopg.connect(f"{args.server}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


if __name__ == "__main__":
    main()
