"""Importing people: each row through clean_person, all or nothing, idempotent, CSV and XLSX, any encoding."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from kafaat.core.imports import run as importing
from kafaat.core.models import AuditEvent
from kafaat.registry.imports import PeopleImport
from kafaat.registry.models import Consent, Person, PersonAccess
from kafaat.registry.services import search_people

HEADER = ["N°", "Nom", "Prénom", "الاسم العائلي", "الاسم الشخصي", "Sexe", "Date de naissance", "Commune",
          "Téléphone", "CIN", "Consentement", "Consentement contact"]  # fmt: skip
GOOD = [
    ["A-1", "Alaoui", "Fatima", "العلوي", "فاطمة", "F", "12/03/2001", "Oujda", "0612345678", "AB123456",
     "05/01/2025", "oui"],
    ["A-2", "Benali", "Youssef", "بنعلي", "يوسف", "M", "2000-07-01", "COM_0551", "+212 6 61 23 45 67", "",
     "2025-01-06", "non"],
    ["A-3", "", "", "الزهراء", "أمينة", "femme", "01/01/1999", "Tanger", "", "", "06/01/2025", ""],
]  # fmt: skip


def write_csv(path: Path, header, rows, *, encoding="utf-8", delimiter=",") -> Path:
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header, rows) -> Path:
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def import_people(user, organisation, path, **options):
    with translation.override("en"):
        spec = PeopleImport(user, organisation, language="en", file_name=Path(path).name)
        return importing.run_import(spec, path, **options)


@pytest.fixture
def admin(world):
    return world["users"]["admin_a"]


def test_a_good_file_registers_every_person_with_access_consents_and_one_audit_event(world, admin, tmp_path):
    result = import_people(admin, world["ngo_a"], write_csv(tmp_path / "people.csv", HEADER, GOOD))
    assert (result.rows_read, result.valid, result.imported, result.rejected, result.errors) == (
        3,
        3,
        3,
        0,
        [],
    )
    fatima = Person.objects.get(external_id="A-1")
    assert (fatima.first_name_ar, fatima.last_name_latin, fatima.sex) == ("فاطمة", "Alaoui", "F")
    assert fatima.birth_date == date(2001, 3, 12) and fatima.territory.code == "COM_0551"
    assert (fatima.phone, fatima.id_type, fatima.id_number) == ("+212612345678", "cin", "AB123456")
    assert fatima.migration_status == "moroccan"  # encrypted in the database, clear in Python
    assert (
        fatima.case_worker == admin and fatima.created_by == admin and fatima.registered_by == world["ngo_a"]
    )
    raw = Person.objects.filter(pk=fatima.pk).values_list("search_name", flat=True).get()
    assert "fatima" in raw and "فاطمه" in raw
    assert PersonAccess.objects.filter(organisation=world["ngo_a"], reason="registered").count() == 3
    assert set(fatima.consents.values_list("purpose", "given_on")) == {
        ("registration", date(2025, 1, 5)),
        ("contact", date(2025, 1, 5)),
    }
    assert Consent.objects.filter(purpose="contact").count() == 1
    event = AuditEvent.objects.get(action="bulk_create", target_type="registry.person")
    assert event.count == 3 and event.actor == admin
    # Searchable at once: by name, by phone, by identity number (keyed hash).
    assert list(search_people(admin, "fatim")) == [fatima]
    assert list(search_people(admin, "AB 123456")) == [fatima]
    assert not search_people(world["users"]["caseworker_b"], "fatima").exists()


def test_every_bad_row_is_reported_with_its_row_and_column_and_nothing_is_written(world, admin, tmp_path):
    bad = [
        ["B-1", "Alaoui", "Fatima", "", "", "X", "12/03/2001", "Oujda", "0612345678", "", "05/01/2025", ""],
        ["B-2", "Benali", "Youssef", "", "", "M", "31/02/2001", "Nowhere", "12", "", "", ""],
        *GOOD,
    ]  # fmt: skip
    result = import_people(admin, world["ngo_a"], write_csv(tmp_path / "bad.csv", HEADER, bad))
    found = {(error.row, error.column) for error in result.errors}
    assert found == {
        (2, "Sexe"),
        (3, "Date de naissance"),
        (3, "Commune"),
        (3, "Téléphone"),
        (3, "Consentement"),
    }
    commune = next(error for error in result.errors if error.column == "Commune")
    assert commune.value == "Nowhere" and "Nowhere" in commune.message
    assert (result.rows_read, result.valid, result.rejected, result.imported) == (5, 3, 2, 0)
    assert result.status == "rejected" and not result.written
    assert not Person.objects.exists() and not Consent.objects.exists()
    assert not AuditEvent.objects.filter(action="bulk_create").exists()


def test_good_rows_only_writes_the_good_rows_and_returns_the_rejected_ones(world, admin, tmp_path):
    bad = ["B-1", "Alaoui", "Fatima", "", "", "F", "12/03/2001", "Oujda", "", "", "", ""]  # no consent
    path = write_csv(tmp_path / "mixed.csv", HEADER, [GOOD[0], bad, GOOD[1]])
    result = import_people(admin, world["ngo_a"], path, good_rows_only=True)
    assert (result.imported, result.rejected, result.status) == (2, 1, "done")
    assert set(Person.objects.values_list("external_id", flat=True)) == {"A-1", "A-2"}
    assert [(e.row, e.column) for e in result.errors] == [(3, "Consentement")]
    importing.write_rejected_rows(result, tmp_path / "rejected.csv")
    with open(tmp_path / "rejected.csv", encoding="utf-8-sig") as handle:
        assert list(csv.reader(handle)) == [HEADER, bad]
    importing.write_error_report(result, tmp_path / "errors.xlsx", "en")
    workbook = load_workbook(tmp_path / "errors.xlsx")
    errors, rejected = workbook.worksheets
    assert [c.value for c in errors[1]] == ["Row", "Column", "Value", "Message"]
    assert [c.value for c in errors[2]][:2] == [3, "Consentement"] and "consent" in errors[2][3].value
    assert [c.value for c in rejected[2]][:3] == [3, "B-1", "Alaoui"]


def test_importing_the_same_file_twice_changes_nothing(world, admin, tmp_path):
    path = write_csv(tmp_path / "people.csv", HEADER, GOOD)
    import_people(admin, world["ngo_a"], path)
    again = import_people(admin, world["ngo_a"], path)
    assert (again.imported, again.already_imported, again.errors, again.status) == (0, 3, [], "checked")
    assert Person.objects.count() == 3 and Consent.objects.count() == 4
    assert AuditEvent.objects.filter(action="bulk_create").count() == 1


def test_an_external_id_imported_with_other_values_is_an_error(world, admin, tmp_path):
    import_people(admin, world["ngo_a"], write_csv(tmp_path / "people.csv", HEADER, GOOD))
    changed = [GOOD[0][:5] + ["M"] + GOOD[0][6:]]
    result = import_people(admin, world["ngo_a"], write_csv(tmp_path / "changed.csv", HEADER, changed))
    assert [(e.row, e.column) for e in result.errors] == [(2, "N°")]
    assert "other values" in result.errors[0].message
    assert Person.objects.get(external_id="A-1").sex == "F"


def test_rows_without_external_id_are_keyed_by_their_hash_and_stay_idempotent(world, admin, tmp_path):
    header = ["Nom", "Prénom", "Sexe", "Âge", "Commune", "Consentement"]
    rows = [
        ["Alaoui", "Fatima", "F", "24", "Oujda", "05/01/2025"],
        ["Alaoui", "Karim", "M", "30", "Oujda", ""],
    ]
    rows[1][-1] = "05/01/2025"
    path = write_csv(tmp_path / "no-ids.csv", header, rows)
    first = import_people(admin, world["ngo_a"], path)
    keys = set(Person.objects.values_list("external_id", flat=True))
    assert first.imported == 2 and all(key.startswith("sha:") and len(key) == 24 for key in keys)
    assert Person.objects.get(first_name_latin="Fatima").birth_date_estimated
    second = import_people(admin, world["ngo_a"], path)
    assert (second.imported, second.already_imported) == (0, 2)
    twice = write_csv(tmp_path / "twice.csv", header, [rows[0], rows[0]])
    duplicate = import_people(admin, world["ngo_a"], twice)
    assert [(e.row, e.column) for e in duplicate.errors] == [(3, "External id")]  # not in the file
    assert "row 2" in duplicate.errors[0].message


def test_duplicate_external_ids_within_a_file_are_errors(world, admin, tmp_path):
    rows = [GOOD[0], GOOD[1][:1] + GOOD[1][1:], ["A-1", *GOOD[2][1:]]]
    result = import_people(admin, world["ngo_a"], write_csv(tmp_path / "dup.csv", HEADER, rows))
    assert [(e.row, e.column) for e in result.errors] == [(4, "N°")]
    assert not Person.objects.exists()


def test_a_missing_required_column_is_reported_once_on_the_header_row(world, admin, tmp_path):
    header = [h for h in HEADER if h != "Consentement"]
    rows = [row[:10] + row[11:] for row in GOOD]
    result = import_people(admin, world["ngo_a"], write_csv(tmp_path / "no-consent.csv", header, rows))
    assert [(e.row, e.column) for e in result.errors] == [(1, "Consent date")]
    assert result.rows_read == 0 and not Person.objects.exists()


def test_xlsx_with_arabic_text_excel_dates_and_numeric_phones(world, admin, tmp_path):
    header = ["ID", "الاسم العائلي", "الاسم الشخصي", "الجنس", "تاريخ الازدياد", "الجماعة", "الهاتف",
              "تاريخ الموافقة"]  # fmt: skip
    rows = [
        ["X-1", "العلوي", "فاطمة", "أنثى", date(2001, 3, 12), "وجدة", 612345678, date(2025, 1, 5)],
        [None, None, None, None, None, None, None, None],  # an empty row keeps the numbering
        ["X-2", "بنعلي", "يوسف", "ذكر", date(1999, 1, 1), "طنجة", "0661234567", "bad date"],
    ]
    path = write_xlsx(tmp_path / "arabic.xlsx", header, rows)
    result = import_people(admin, world["ngo_a"], path)
    assert [(e.row, e.column) for e in result.errors] == [(4, "تاريخ الموافقة")]
    good = import_people(admin, world["ngo_a"], path, good_rows_only=True)
    person = Person.objects.get(external_id="X-1")
    assert good.imported == 1 and person.last_name_ar == "العلوي" and person.phone == "+212612345678"
    assert person.territory.code == "COM_0551" and person.birth_date == date(2001, 3, 12)


def test_a_windows_1256_arabic_csv(world, admin, tmp_path):
    header = ["رقم", "الاسم العائلي", "الاسم الشخصي", "الجنس", "السن", "الجماعة", "تاريخ الموافقة"]
    rows = [["W-1", "العلوي", "فاطمة", "أنثى", "22", "وجدة", "05/01/2025"]]
    path = write_csv(tmp_path / "arabic-1256.csv", header, rows, encoding="cp1256", delimiter=";")
    result = import_people(admin, world["ngo_a"], path)
    assert result.errors == [] and result.imported == 1
    assert Person.objects.get().first_name_ar == "فاطمة"


def test_a_semicolon_french_excel_csv_in_windows_1252(world, admin, tmp_path):
    header = ["Numéro", "Nom", "Prénom", "Sexe", "Né le", "Commune", "Téléphone", "Niveau d'études",
              "Chef de ménage", "Date du consentement"]  # fmt: skip
    rows = [["F-1", "Chérif", "Hélène", "Féminin", "01/02/2000", "Oujda", "06 12 34 56 78", "primary", "Oui",
             "05/01/2025"]]  # fmt: skip
    path = write_csv(tmp_path / "excel.csv", header, rows, encoding="cp1252", delimiter=";")
    result = import_people(admin, world["ngo_a"], path)
    assert result.errors == [] and result.imported == 1
    person = Person.objects.get()
    assert (person.last_name_latin, person.first_name_latin) == ("Chérif", "Hélène")
    assert person.household_head and person.education_level == "primary"


def test_a_user_without_the_change_permission_cannot_import(world, tmp_path):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        PeopleImport(world["users"]["caseworker_b"], world["ngo_a"])


def test_validation_in_worker_processes_gives_the_same_result(world, admin, tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "PARALLEL_MIN_ROWS", 0)
    monkeypatch.setattr(importing, "CHUNK_ROWS", 2)
    bad = ["B-1", "Alaoui", "Fatima", "", "", "X", "12/03/2001", "Oujda", "", "", "05/01/2025", ""]
    path = write_csv(tmp_path / "people.csv", HEADER, [*GOOD, bad])
    result = import_people(admin, world["ngo_a"], path, workers=2)
    assert [(e.row, e.column) for e in result.errors] == [(5, "Sexe")]
    result = import_people(admin, world["ngo_a"], path, workers=2, good_rows_only=True)
    assert result.imported == 3 and Person.objects.get(external_id="A-1").id_number == "AB123456"
