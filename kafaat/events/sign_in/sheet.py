"""Importing an event's sign-in sheet (XLSX or CSV) with the project's import framework.

Columns: name (either script), organisation, e-mail, phone, sex, and one column per session of the event
("Session 1", its title or its start "2026-03-02 09:00"), a presence being x / ✓ / 1 / yes / oui / نعم.
All or nothing: every row is checked first (a bad presence mark, e-mail or sex is a row error). Each row is
then matched (`matching.ContactMatcher`): a registrant or a contact found with certainty is linked and their
presences recorded; a doubtful one goes to the review queue (`SignInReview`). Rows still unmatched, and the
doubtful ones, are then matched against the beneficiaries the user may see: phone and name together link the
row; the phone or the name alone proposes the beneficiary in the review queue. Nobody known becomes a new
contact kept by the event's organiser. Importing the same sheet again changes nothing: presences are unique
per session, review rows per row content, and the contacts a first import created are matched the second time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kafaat.contacts.models import Contact, ContactNameKey, ContactSex, OrganisationType
from kafaat.core import audit
from kafaat.core.imports import Column, ImportSpec, Outcome
from kafaat.core.l10n.formatting import isolate
from kafaat.events.models import (
    Attendance,
    AttendanceSource,
    Event,
    Registration,
    RegistrationStatus,
    Session,
    SignInReview,
)
from kafaat.events.sign_in.matching import (
    LINK_THRESHOLD,
    REVIEW_THRESHOLD,
    ContactMatcher,
    full_name_key,
    phone_or_blank,
)
from kafaat.registry.normalise import clean_name, has_arabic

KIND = "signin"
# The accepted marks, shown as one isolated value inside messages (codes, not words of any language).
MARKS = isolate("x, ✓, 1, yes, oui, نعم")
PRESENT = {"x", "✓", "✔", "1", "yes", "y", "oui", "o", "نعم", "present", "présent", "حاضر", "p"}
ABSENT = {"", "0", "no", "n", "non", "لا", "-", "absent", "غائب"}
SEXES = {
    "f": ContactSex.FEMALE,
    "femme": ContactSex.FEMALE,
    "female": ContactSex.FEMALE,
    "أنثى": ContactSex.FEMALE,
    "انثى": ContactSex.FEMALE,
    "m": ContactSex.MALE,
    "h": ContactSex.MALE,
    "homme": ContactSex.MALE,
    "male": ContactSex.MALE,
    "ذكر": ContactSex.MALE,
}

BASE_COLUMNS = (
    Column(
        "name",
        {"fr": "Nom et prénom", "ar": "الاسم الكامل", "en": "Full name"},
        aliases=("nom", "name", "الاسم", "participant"),
        required=True,
        help=gettext_lazy("The participant's name, in Arabic or Latin script."),
        examples=("Fatima Zahra El Idrissi", "فاطمة الزهراء الإدريسي"),
    ),
    Column(
        "organisation",
        {"fr": "Organisme", "ar": "المؤسسة", "en": "Organisation"},
        aliases=("organisation", "organization", "institution", "الهيئة"),
        help=gettext_lazy("The body the participant speaks for."),
        examples=("Conseil régional", "OFPPT"),
    ),
    Column(
        "email",
        {"fr": "E-mail", "ar": "البريد الإلكتروني", "en": "E-mail"},
        aliases=("email", "mail", "courriel"),
        help=gettext_lazy("An e-mail address."),
        examples=("f.idrissi@example.ma", ""),
    ),
    Column(
        "phone",
        {"fr": "Téléphone", "ar": "الهاتف", "en": "Phone"},
        aliases=("phone", "tel", "gsm", "portable"),
        help=gettext_lazy("A phone number."),
        examples=("06 12 34 56 78", ""),
    ),
    Column(
        "sex",
        {"fr": "Sexe", "ar": "الجنس", "en": "Sex"},
        aliases=("sexe", "sex", "genre"),
        help=gettext_lazy("F or M (femme/homme, أنثى/ذكر); needed for someone not yet in the directory."),
        accepted="F, M",
        examples=("F", "M"),
    ),
)


def session_column(session: Session, number: int) -> Column:
    start = timezone.localtime(session.starts_at)
    aliases = (f"S{number}", f"{start:%Y-%m-%d %H:%M}", f"{start:%d/%m/%Y %H:%M}", f"{start:%d/%m %H:%M}")
    if session.title:
        aliases += (session.title,)
    headers = {"fr": f"Séance {number}", "ar": f"الجلسة {number}", "en": f"Session {number}"}
    return Column(
        f"s{session.pk}",
        headers,
        aliases=aliases,
        accepted="x, ✓, 1, oui, yes, نعم",
        help=gettext_lazy("Present at this session: x, ✓, 1, yes, oui or نعم; empty when absent."),
    )


def sheet_columns(event: Event) -> tuple[Column, ...]:
    return BASE_COLUMNS + tuple(session_column(s, n) for n, s in enumerate(event.sessions.all(), start=1))


def row_key(name: str, email: str, phone: str, sessions: list[int]) -> str:
    text = "|".join(
        [full_name_key(name) or name.casefold(), email.lower(), phone, ",".join(map(str, sessions))]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:40]


NAME_FIELDS = ("first_name_latin", "last_name_latin", "first_name_ar", "last_name_ar")
# Beneficiary look-ups: at most this many people read per query, rows' names sent this many per query.
BENEFICIARY_CAP = 5000
NAME_CHUNK = 200


def _person_names(person) -> list[str]:
    names = (
        f"{person.first_name_latin} {person.last_name_latin}",
        f"{person.first_name_ar} {person.last_name_ar}",
    )
    return [name.strip() for name in names if name.strip()]


def _participant(record: dict) -> tuple[str, int]:
    return ("person", record["person"]) if record.get("person") else ("contact", record["contact"])


def split_name(name: str) -> tuple[str, str]:
    words = name.split()
    return (words[0], " ".join(words[1:])) if len(words) > 1 else (name, "")


class SignInSheet(ImportSpec):
    kind = KIND
    required_groups = (("name",),)

    def __init__(self, user, event: Event, *, language: str = "fr", file_name: str = "") -> None:
        self.user, self.event, self.language, self.file_name = user, event, language, file_name
        self.sessions = list(event.sessions.all())
        self.columns = sheet_columns(event)
        self.session_keys = [(f"s{s.pk}", s.pk) for s in self.sessions]
        self.summary = {"linked": 0, "new_contacts": 0, "to_review": 0, "presences": 0, "unchanged": 0}
        self.written_ids: list[int] = []

    # --- one row ---

    @staticmethod
    def validate_rows(state: SignInSheet, rows: list[tuple[int, dict]]) -> list[Outcome]:
        return [state.validate_row(number, row) for number, row in rows]

    def validate_row(self, number: int, row: dict) -> Outcome:
        errors: dict[str, str] = {}
        name = clean_name(str(row.get("name") or ""))
        if not name:
            errors["name"] = _("The name is missing.")
        elif len(name) > 200:
            errors["name"] = _("A name has at most 200 characters.")
        email = str(row.get("email") or "").strip()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors["email"] = _("Not an e-mail address.")
        raw_phone = str(row.get("phone") or "").strip()
        phone = phone_or_blank(raw_phone)
        if raw_phone and not phone:
            errors["phone"] = _("Not a phone number.")
        raw_sex = str(row.get("sex") or "").strip().casefold()
        sex = SEXES.get(raw_sex, "")
        if raw_sex and not sex:
            errors["sex"] = _("Write F or M.")
        present: list[int] = []
        for key, session_id in self.session_keys:
            mark = str(row.get(key) or "").strip().casefold()
            if mark in PRESENT:
                present.append(session_id)
            elif mark not in ABSENT:
                errors[key] = _("Mark a presence with %(marks)s, or leave the cell empty.") % {"marks": MARKS}
        organisation = clean_name(str(row.get("organisation") or ""))[:200]
        record = {
            "name": name,
            "email": email,
            "phone": phone,
            "sex": sex,
            "organisation": organisation,
            "sessions": present,
            "row": number,
        }
        key = row_key(name, email, phone, present) if not errors else ""
        return Outcome(number, errors, key=key, record=None if errors else record)

    # --- against the database ---

    def check(self, outcomes: list[Outcome]) -> None:
        good = [o for o in outcomes if not o.errors]
        if not good:
            return
        matcher = ContactMatcher(
            self.user,
            names=[o.record["name"] for o in good],
            emails=[o.record["email"] for o in good],
            phones=[o.record["phone"] for o in good],
        )
        by_contact = {r.contact_id: r.pk for r in self.event.registrations.exclude(contact=None)}
        by_person = dict(self.event.registrations.exclude(person=None).values_list("person_id", "pk"))
        people_registered = {}
        for registration in self.event.registrations.exclude(person=None).select_related("person"):
            for name in _person_names(registration.person):
                people_registered.setdefault(full_name_key(name), registration.pk)
        attended = set(
            Attendance.objects.filter(registration__event=self.event).values_list(
                "registration_id", "session_id"
            )
        )
        reviewed = set(self.event.sign_in_reviews.values_list("row_key", flat=True))
        unknown: list[Outcome] = []
        doubtful: list[Outcome] = []  # rows already going to the review queue
        for outcome in good:
            record = outcome.record
            record["key"] = outcome.key
            if outcome.key in reviewed:
                outcome.skipped = True
                continue
            person_registration = people_registered.get(full_name_key(record["name"]))
            candidates = matcher.match(
                record["name"], record["email"], record["phone"], record["organisation"]
            )
            sure = [c for c in candidates if c.score >= LINK_THRESHOLD]
            if person_registration is not None and not sure:
                record.update(action="link", registration=person_registration, contact=None)
            elif len({c.contact_id for c in sure}) == 1:
                contact_id = sure[0].contact_id
                record.update(action="link", contact=contact_id, registration=by_contact.get(contact_id))
            elif candidates and candidates[0].score >= REVIEW_THRESHOLD:
                record.update(action="review", candidates=[c.as_json() for c in candidates])
                doubtful.append(outcome)
            else:
                unknown.append(outcome)
        self._match_beneficiaries(unknown, doubtful, by_person)
        new_in_file: dict[str, int] = {}  # a new person named twice in the file: one contact
        for outcome in unknown:
            record = outcome.record
            if record.get("action") in ("link", "review"):  # a beneficiary found, surely or not
                continue
            if not record["sex"]:
                outcome.errors["sex"] = _(
                    "Nobody of this name is in the directory: give the sex (F or M) to add them."
                )
                outcome.record = None
                continue
            # The same name twice in a sheet is one person unless their e-mail or phone differ.
            twin = "|".join(
                (
                    full_name_key(record["name"]) or record["name"].casefold(),
                    record["email"].lower(),
                    record["phone"],
                )
            )
            record.update(action="new", twin_of=new_in_file.get(twin))
            new_in_file.setdefault(twin, outcome.row)
        for outcome in good:
            record = outcome.record
            if (
                outcome.skipped
                or record is None
                or record.get("action") != "link"
                or not record["registration"]
            ):
                continue
            if all((record["registration"], s) in attended for s in record["sessions"]):
                outcome.skipped = True  # already there: registered, every presence recorded

    def _match_beneficiaries(
        self, unknown: list[Outcome], doubtful: list[Outcome], by_person: dict[int, int]
    ) -> None:
        """The rows nobody in the directory matches, and the doubtful ones, against the beneficiaries the user
        may see (`visible_people`: the registry's own rule). The same phone and the same name (across scripts)
        link an unmatched row to that beneficiary; the phone alone or the name alone makes them a candidate of
        the review queue, besides the directory's. Two queries at most per 200 rows, whatever the registry's
        size: one by phone, one by name words (the person's `search_name`)."""
        from kafaat.registry.normalise import search_key
        from kafaat.registry.services import visible_people

        rows = unknown + doubtful
        phones = {o.record["phone"] for o in rows if o.record["phone"]}
        people: dict[int, Any] = {}
        fields = ("pk", "phone", "phone_alt", *NAME_FIELDS)
        if phones:
            found = visible_people(self.user).filter(Q(phone__in=phones) | Q(phone_alt__in=phones))
            people.update((p.pk, p) for p in found.only(*fields)[:BENEFICIARY_CAP])
        named = [o for o in rows if len(search_key(o.record["name"]).split()) >= 2]
        for start in range(0, len(named), NAME_CHUNK):
            condition = Q(pk__in=[])
            for outcome in named[start : start + NAME_CHUNK]:
                words = Q()
                for word in search_key(outcome.record["name"]).split():
                    words &= Q(search_name__contains=f" {word} ")
                condition |= words
            found = visible_people(self.user).filter(condition)
            people.update((p.pk, p) for p in found.only(*fields)[:BENEFICIARY_CAP])
        if not people:
            return
        by_phone: dict[str, list[int]] = {}
        by_name: dict[str, list[int]] = {}
        for person in people.values():
            for phone in {person.phone, person.phone_alt} & phones:
                by_phone.setdefault(phone, []).append(person.pk)
            for key in {full_name_key(n) for n in _person_names(person)} - {""}:
                by_name.setdefault(key, []).append(person.pk)
        still_unknown = {id(o) for o in unknown}
        for outcome in rows:
            record = outcome.record
            key = full_name_key(record["name"])
            same_phone = set(by_phone.get(record["phone"], ())) if record["phone"] else set()
            same_name = set(by_name.get(key, ())) if key else set()
            both = same_phone & same_name
            if id(outcome) in still_unknown and len(both) == 1:
                person_id = both.pop()
                record.update(
                    action="link", contact=None, person=person_id, registration=by_person.get(person_id)
                )
                continue
            # Doubtful: a family or an office shares a phone; two people share a name.
            candidates = [{"person": pk, "score": 0.95, "reasons": ["phone", "name"]} for pk in both]
            candidates += [{"person": pk, "score": 0.85, "reasons": ["phone"]} for pk in same_phone - both]
            candidates += [{"person": pk, "score": 0.8, "reasons": ["name"]} for pk in same_name - both]
            if not candidates:
                continue
            candidates = sorted(candidates, key=lambda c: (-c["score"], c["person"]))[:5]
            if id(outcome) in still_unknown:
                record.update(action="review", candidates=candidates)
            else:
                record["candidates"] = record["candidates"] + candidates

    def write(self, records: list, progress: Callable[[int], None]) -> int:
        event, now = self.event, timezone.now()
        new = [r for r in records if r["action"] == "new" and r.get("twin_of") is None]
        contacts = [self._new_contact(r) for r in new]
        Contact.objects.bulk_create(contacts)
        ContactNameKey.refresh(contacts)  # bulk creation skips Contact.save(): the next sheet must find them
        contact_of_row = {r["row"]: c.pk for r, c in zip(new, contacts, strict=True)}
        for record in records:
            if record["action"] == "new":
                record["contact"] = contact_of_row.get(record.get("twin_of") or record["row"])
                record["registration"] = None
        # Registrations for the rows that have none yet: one per contact or beneficiary, however many rows.
        wanted: dict[tuple[str, int], dict] = {}
        for record in records:
            if record["action"] in ("link", "new") and not record["registration"]:
                wanted.setdefault(_participant(record), record)
        existing: dict[tuple[str, int], int] = {}
        for field in ("contact", "person"):
            ids = [pk for kind, pk in wanted if kind == field]
            rows = Registration.objects.filter(event=event, **{f"{field}_id__in": ids}).values_list(
                f"{field}_id", "pk"
            )
            existing.update({(field, pk): registration for pk, registration in rows})
        language = self.language[:2] if self.language[:2] in ("fr", "ar", "en") else "fr"
        fresh = {
            key: Registration(
                event=event,
                status=RegistrationStatus.REGISTERED,
                invited_at=now,
                registered_at=now,
                language=language,
                **{f"{key[0]}_id": key[1]},
            )
            for key in wanted
            if key not in existing
        }
        Registration.objects.bulk_create(list(fresh.values()))
        existing.update({key: registration.pk for key, registration in fresh.items()})
        attendances, present_ids = [], set()
        for record in records:
            if record["action"] == "review":
                continue
            registration_id = record["registration"] or existing[_participant(record)]
            record["registration"] = registration_id
            for session_id in record["sessions"]:
                attendances.append(
                    Attendance(
                        registration_id=registration_id,
                        session_id=session_id,
                        source=AttendanceSource.SIGN_IN_SHEET,
                        recorded_by=self._recorder(),
                    )
                )
                present_ids.add(registration_id)
        Attendance.objects.bulk_create(attendances, ignore_conflicts=True)
        Registration.objects.filter(pk__in=present_ids).exclude(status=RegistrationStatus.ATTENDED).update(
            status=RegistrationStatus.ATTENDED, updated_at=now
        )
        self._write_reviews([r for r in records if r["action"] == "review"])
        self.written_ids = sorted({r["registration"] for r in records if r.get("registration")})
        self.summary["linked"] += sum(1 for r in records if r["action"] == "link")
        self.summary["new_contacts"] += len(contacts)
        self.summary["to_review"] += sum(1 for r in records if r["action"] == "review")
        self.summary["presences"] += len(attendances)
        progress(len(records))
        return len(records)

    def _recorder(self):
        return self.user if getattr(self.user, "is_authenticated", False) else None

    def _new_contact(self, record: dict) -> Contact:
        first, last = split_name(record["name"])
        script = "ar" if has_arabic(record["name"]) else "latin"
        contact = Contact(
            managed_by_id=self.event.organiser_id,
            territory_id=self.event.territory_id,
            external_id=f"events-signin-{record['key'][:40]}",
            sex=record["sex"],
            organisation_name=record["organisation"],
            organisation_type=OrganisationType.OTHER,
            email=record["email"],
            phone=record["phone"],
            created_by=self._recorder(),
            **{f"first_name_{script}": first, f"last_name_{script}": last},
        )
        from kafaat.registry.normalise import search_key

        contact.search_name = search_key(
            contact.first_name_latin, contact.last_name_latin, contact.first_name_ar, contact.last_name_ar
        )
        return contact

    def _write_reviews(self, records: list[dict]) -> None:
        reviews = [
            SignInReview(
                event=self.event,
                row_key=r["key"],
                row_number=r["row"],
                file_name=self.file_name[:200],
                name=r["name"],
                organisation_name=r["organisation"],
                email=r["email"][:254],
                phone=r["phone"],
                sex=r["sex"],
                candidates=r["candidates"],
                created_by=self._recorder(),
            )
            for r in records
        ]
        SignInReview.objects.bulk_create(reviews, ignore_conflicts=True)
        by_key = dict(
            SignInReview.objects.filter(
                event=self.event, row_key__in=[r["key"] for r in records]
            ).values_list("row_key", "pk")
        )
        through = SignInReview.sessions.through
        through.objects.bulk_create(
            [through(signinreview_id=by_key[r["key"]], session_id=s) for r in records for s in r["sessions"]],
            ignore_conflicts=True,
        )

    def finish(self) -> None:
        audit.record_bulk(
            audit.Action.BULK_CREATE,
            self.user,
            Registration,
            self.written_ids,
            details={"event": self.event.pk, "sign_in_sheet": self.file_name[:200], **self.summary},
        )

    def details(self) -> dict[str, Any]:
        return {"event": self.event.pk, **self.summary}
