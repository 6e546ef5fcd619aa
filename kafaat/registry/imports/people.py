"""Importing people and pathway steps from a programme's spreadsheets (docs/import.md).

People: every row goes through `validation.clean_person`, the one validation of a person, then is written in
bulk (COPY on PostgreSQL) with its access row, its consents and one audit event. Steps: every row goes through
`pathways.services.check_step` against the database and the earlier rows of the same file.

Idempotence: a row's key is its external id, or `sha:` and a hash of its values when it has none. A key
already in the organisation is skipped when the values are the same ("already imported") and is an error when
they differ: an import never changes an existing record.

The people template's columns (headers, help, examples) are in ``importing_columns.py``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from types import SimpleNamespace

import numpy as np
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.core import audit
from kafaat.core.imports import (
    BulkTable,
    ImportSpec,
    Outcome,
    copy_lines,
    larger_sqlite_cache,
    references_checked_once,
    reserve_ids,
)
from kafaat.core.models import Organisation, Territory
from kafaat.registry.access_rules import CHANGE_PERSON
from kafaat.registry.dedup import match_keys as dedup_match_keys
from kafaat.registry.imports.columns import PEOPLE_COLUMNS, spreadsheet_text
from kafaat.registry.imports.keys import (
    fingerprints,
    sha,
    stored_fingerprints,
)
from kafaat.registry.imports.search_rows import insert_triggers_paused
from kafaat.registry.models import (
    Consent,
    MatchKey,
    Person,
    PersonAccess,
)
from kafaat.registry.services import identity_hashes_of, organisation_for, search_name_of
from kafaat.registry.validation import (
    MEMO_LIMIT,
    NAME_FIELDS,
    PERSON_RULES,
    Context,
    Rule,
    TerritoryIndex,
    clean_columns,
    parse_bool,
    parse_date,
    territory_index,
)

PERSON_FIELDS = (
    "id", "registered_by", "case_worker", "created_by", "created_at", "updated_at",  # the same for every row
    "uid", "external_id", *NAME_FIELDS, "search_name", "sex", "birth_date", "birth_date_estimated",
    "nationality", "migration_status", "territory", "area", "phone", "phone_alt", "id_type", "id_number",
    "id_number_hash", "education_level", "neet", "household_head", "languages", "disability_answers",
)  # fmt: skip
KEYS_READ_AT_ONCE = 500_000
# The linkage fields of a person as the import holds them (`match_keys.REGISTRY_FIELDS` but id and territory).
MATCHED_COLUMNS = (
    "first_name_ar", "last_name_ar", "first_name_latin", "last_name_latin", "sex", "birth_date",
    "birth_date_estimated", "phone", "phone_alt", "id_number_hash",
)  # fmt: skip
ACCESS_FIELDS = ("person", "organisation", "reason", "is_active", "granted_at")
CONSENT_FIELDS = ("person", "purpose", "given_on", "recorded_by", "recorded_for", "note")


@cache
def _tables(vendor: str) -> SimpleNamespace:
    return SimpleNamespace(
        person=BulkTable(Person, PERSON_FIELDS, vendor, raw=("created_at", "updated_at", "uid")),
        access=BulkTable(PersonAccess, ACCESS_FIELDS, vendor, raw=("granted_at",)),
        consent=BulkTable(Consent, CONSENT_FIELDS, vendor),
    )


@dataclass
class PeopleState:
    territories: TerritoryIndex
    today: date
    constants: tuple  # registered_by, case_worker, created_by, created_at, updated_at as stored
    vendor: str
    memo: dict = field(default_factory=dict)  # the rules' results by distinct input, kept between chunks


def _consent(ctx: Context, raw) -> tuple[tuple, dict | None]:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return (None,), {
            "consent": _("The person must agree to be registered: give the date of their consent.")
        }
    try:
        given_on = parse_date(raw)
    except ValueError as error:
        return (None,), {"consent": str(error)}
    if given_on > ctx.today:
        return (None,), {"consent": _("The consent date cannot be in the future.")}
    return (given_on,), None


def _contact_consent(ctx: Context, raw) -> tuple[tuple, dict | None]:
    try:
        return (bool(parse_bool(raw)),), None
    except ValueError as error:
        return (False,), {"contact_consent": str(error)}


def _external_id_length(ctx: Context, raw) -> tuple[tuple, dict | None]:
    if len(str(raw or "").strip()) > 64:
        return (), {"external_id": _("An external id has at most 64 characters.")}
    return (), None


# A person's rules, then what only a file asks: the consent date, the contact consent, the external id's
# length.
IMPORT_RULES = (
    *PERSON_RULES,
    Rule(("consent",), ("consent_on",), _consent),
    Rule(("contact_consent",), ("contact",), _contact_consent),
    Rule(("external_id",), (), _external_id_length),
)
_SPREADSHEET_TEXT = ("phone", "phone_alt", "id_number", "external_id")


def _validate_columns(state: PeopleState, numbers: list[int], columns: dict[str, list]) -> list[Outcome]:
    """Every rule over whole columns (`clean_columns`), then the derived fields, the key and the stored values
    of the good rows: the same outcome as `clean_person` and `register_person` row by row."""
    count = len(numbers)
    for key in _SPREADSHEET_TEXT:
        column = columns.get(key)
        if column is not None and not all(type(v) is str or v is None for v in column):
            columns[key] = [v if type(v) is str or v is None else spreadsheet_text(v) for v in column]
    ctx = Context(state.territories, state.today)
    cleaned = clean_columns(IMPORT_RULES, columns, count, ctx, state.memo)
    outcomes = [Outcome(number) for number in numbers]
    for index, errors in cleaned.errors.items():
        outcomes[index].errors = errors
    good = [i for i in range(count) if i not in cleaned.errors]
    if not good:
        return outcomes
    values = {name: [column[i] for i in good] for name, column in cleaned.values.items()}
    names = [values[key] for key in NAME_FIELDS]
    search_names = state.memo.setdefault("search_name", {})
    if len(search_names) > MEMO_LIMIT:
        search_names.clear()
    for combination in set(zip(*names, strict=True)).difference(search_names):
        search_names[combination] = search_name_of(*combination)
    values["search_name"] = [search_names[combination] for combination in zip(*names, strict=True)]
    values["id_number_hash"] = identity_hashes_of(values["id_type"], values["id_number"])
    match_keys = _match_keys(values)
    values["territory"] = [territory.pk for territory in values["territory"]]
    prints = fingerprints(values)
    ages = columns.get("age") or [None] * count
    keys = []
    for i, key, print_, estimated in zip(
        good, values["external_id"], prints, values["birth_date_estimated"], strict=True
    ):
        if not key:  # the row's own hash, with the age as written (not the birth day it gives today)
            age = str(ages[i] or "").strip() if estimated else ""
            key = "sha:" + sha([print_, age])[:20]
        keys.append(key)
    values["external_id"] = keys
    values["uid"] = _uuid4_hex(len(good))
    constants = [[value] * len(good) for value in (0, *state.constants)]
    columns = [*constants, *(values[name] for name in PERSON_FIELDS[6:])]
    stored = _tables(state.vendor).person.stored_columns(columns)
    # PostgreSQL: each row as its COPY line but the id (given when written), built here — in the validation
    # worker — rather than in the writing process; one string is also cheaper to send back than 30 values.
    person = copy_lines(stored[1:]) if state.vendor == "postgresql" else list(zip(*stored, strict=True))
    for i, key, row, consent_on, contact, print_, territory, matching in zip(
        good, keys, person, values["consent_on"], values["contact"], prints, values["territory"], match_keys,
        strict=True,
    ):  # fmt: skip
        outcome = outcomes[i]
        outcome.key, outcome.record = key, (row, consent_on, contact, print_, territory, matching)
    return outcomes


def _match_keys(values: dict[str, list]) -> list[tuple]:
    """The registration-time match keys of the good rows, computed here, beside their validation."""
    territories = values["territory"]
    columns = {name: values[name] for name in MATCHED_COLUMNS}
    columns["territory__code"] = [territory.code for territory in territories]
    columns["territory__parent__code"] = [territory.parent_code for territory in territories]
    return dedup_match_keys.import_rows(columns)


def _uuid4_hex(count: int) -> list[str]:
    """`uuid.uuid4().hex` of `count` new UUIDs at once (version 4, RFC 4122 variant, from os.urandom): what
    a UUID column stores on SQLite, and what PostgreSQL reads into one."""
    raw = np.frombuffer(os.urandom(16 * count), dtype=np.uint8).reshape(count, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    text = raw.tobytes().hex()
    return [text[i : i + 32] for i in range(0, 32 * count, 32)]


class PeopleImport(ImportSpec):
    kind = "people"
    columns = PEOPLE_COLUMNS
    required_groups = (("sex",), ("commune", "territory"), NAME_FIELDS, ("consent",))
    error_columns = {"commune": ("commune", "territory")}
    parallel = streaming = columnar = True

    def __init__(
        self,
        user,
        organisation: Organisation,
        *,
        language: str = "fr",
        today: date | None = None,
        file_name: str = "",
    ):
        self.user = user
        self.organisation = organisation_for(user, CHANGE_PERSON, organisation)
        self.language, self.file_name = language, file_name
        self.today = today or timezone.localdate()
        self.now = timezone.now()
        self.seen: dict[str, int] = {}
        self.written: list[int] = []
        self.known: set[str] | bool | None = None

    def worker_state(self) -> PeopleState:
        vendor = connection.vendor
        stored_now = Person._meta.get_field("created_at").get_db_prep_save(self.now, connection)
        constants = (self.organisation.pk, self.user.pk, self.user.pk, stored_now, stored_now)
        return PeopleState(territory_index(), self.today, constants, vendor)

    @staticmethod
    def validate_rows(state: PeopleState, rows) -> list[Outcome]:
        """`rows` as `Columns` (row numbers and one list of cells per field): validated column by column.
        Stored values (encrypted here, in the worker), the encrypted columns in one batch per chunk."""
        return _validate_columns(state, rows.numbers, rows.columns)

    def check(self, outcomes: list[Outcome]) -> None:
        fresh = []
        for outcome in outcomes:
            if outcome.errors:
                continue
            first = self.seen.get(outcome.key)
            if first is not None:
                message = (
                    _("Same person as row %(row)s.")
                    if outcome.key.startswith("sha:")
                    else _("Same external id as row %(row)s.")
                )
                outcome.errors["external_id"] = message % {"row": first}
                continue
            self.seen[outcome.key] = outcome.row
            fresh.append(outcome)
        found = self._existing([outcome.key for outcome in fresh])
        existing = stored_fingerprints(self.organisation.pk, found) if found else {}
        for outcome in fresh:
            stored = existing.get(outcome.key)
            if stored is None:
                continue
            if outcome.key.startswith("sha:") or outcome.record[3] == stored:
                outcome.skipped = True
            else:
                outcome.errors["external_id"] = _(
                    "Already imported with other values: change the record in Kafaat, not by importing again."
                )

    def _existing(self, keys: list[str]) -> set[str]:
        """The keys the organisation already holds. Its keys are read once when they are not too many (the
        common case: a first import), otherwise looked up chunk by chunk."""
        if self.known is None:
            people = Person.objects.filter(registered_by=self.organisation).exclude(external_id="")
            count = people.count()
            self.known = (
                set(people.values_list("external_id", flat=True)) if count <= KEYS_READ_AT_ONCE else False
            )
        if self.known is False:
            return _existing_keys(self.organisation.pk, keys)
        return self.known.intersection(keys)

    def write(self, records: list, progress) -> int:
        tables = _tables(connection.vendor)
        ids = reserve_ids(Person, len(records))
        org, user = self.organisation.pk, self.user.pk
        # Every foreign key of these rows points at the organisation, the user, a territory or a person
        # written just before: checked once for the chunk rather than by a trigger per row and key.
        territories = {record[4] for record in records}
        references = {Organisation: [org], get_user_model(): [user], Territory: territories}
        with (
            references_checked_once((Person, PersonAccess, Consent, MatchKey), references) as checked_once,
            larger_sqlite_cache(),
            insert_triggers_paused(ids),  # SQLite: the search rows in one statement, not a trigger a row
        ):
            if not checked_once:
                _check_as_written()
            if isinstance(records[0][0], str):  # COPY lines (PostgreSQL)
                tables.person.write_lines(ids, [record[0] for record in records], progress)
            else:
                tables.person.write(
                    ((pid, *record[0][1:]) for pid, record in zip(ids, records, strict=True)), progress
                )
            dedup_match_keys.write_imported(ids, [record[5] for record in records])
            stored_now = Person._meta.get_field("created_at").get_db_prep_save(self.now, connection)
            registered = PersonAccess.Reason.REGISTERED.value
            tables.access.write(tables.access.row((pid, org, registered, True, stored_now)) for pid in ids)
            consents = tables.consent
            rows = [
                consents.row((pid, "registration", r[1], user, org, ""))
                for pid, r in zip(ids, records, strict=True)
            ]
            rows += [
                consents.row((pid, "contact", r[1], user, org, ""))
                for pid, r in zip(ids, records, strict=True)
                if r[2]
            ]
            consents.write(rows)
        self.written += ids
        return len(ids)

    def finish(self) -> None:
        details = {"import": self.kind, "organisation": self.organisation.code, "file": self.file_name[:200]}
        audit.record_bulk(audit.Action.BULK_CREATE, self.user, Person, self.written, details=details)
        dedup_match_keys.rebuild_if_grown(len(self.written))  # the names' frequencies, in the worker


def _check_as_written() -> None:
    """Where the per-row foreign-key checks run, run them as each chunk is written — while the next chunks are
    being validated — rather than all at commit, once every row is validated (Django's constraints are
    deferred). They fail the import the same way either way."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _existing_keys(organisation_id: int, keys: list[str]) -> set[str]:
    """Which keys the organisation already holds; one indexed look-up for a whole chunk."""
    if not keys:
        return set()
    if connection.vendor == "postgresql":  # one array parameter instead of thousands
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT external_id FROM registry_person WHERE registered_by_id = %s"
                " AND external_id = ANY(%s)",
                [organisation_id, keys],
            )
            return {row[0] for row in cursor.fetchall()}
    people = Person.objects.filter(registered_by_id=organisation_id, external_id__in=keys)
    return set(people.values_list("external_id", flat=True))
