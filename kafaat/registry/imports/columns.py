"""The columns of the people template: headers in French, Arabic and English (and the other names people
give them), what each one means and accepts, two examples — the template, the import and the export read them.

Split from ``importing.py``, which validates and writes the rows; ``build_columns`` and the shared wordings
also serve the steps template (``importing_steps.py``).
"""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from kafaat.core.imports import Column
from kafaat.registry.models import Area, EducationLevel, IdType, Language, MigrationStatus, WashingtonGroup
from kafaat.registry.validation import WG_FIELDS

YES_NO = gettext_lazy("yes or no (oui/non, نعم/لا, 1/0)")
DATE_FORMAT = gettext_lazy("DD/MM/YYYY or YYYY-MM-DD")
SENSITIVE = gettext_lazy("Sensitive: encrypted in the database and never exported.")


def spreadsheet_text(value):
    """Undo what spreadsheets do to numbers: 612345678.0 was the phone 0612345678."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = str(int(value))
        return "0" + text if len(text) == 9 and text[0] in "5678" else text
    return value


def codes(choices) -> str:
    return ", ".join(choices.values)


def _labels(choices) -> str:
    return "; ".join(str(label) for label in choices.labels)


# The accepted values of a choice column, as the template's reader says them: the labels in the template's
# language (the import takes a code or a label in any of the three languages); codes are not their words.
labels = lazy(_labels, str)
# Examples in the template's language: a yes/no answer, a sex.
YES = pgettext_lazy("answer in a spreadsheet", "yes")
NO = pgettext_lazy("answer in a spreadsheet", "no")
FEMALE = pgettext_lazy("sex in a spreadsheet", "F")
MALE = pgettext_lazy("sex in a spreadsheet", "M")


_WG_HEADERS = {
    "seeing": ("WG1 Voir", "WG1 الرؤية", "WG1 Seeing"),
    "hearing": ("WG2 Entendre", "WG2 السمع", "WG2 Hearing"),
    "mobility": ("WG3 Marcher", "WG3 المشي", "WG3 Walking"),
    "cognition": ("WG4 Mémoire", "WG4 التذكر", "WG4 Remembering"),
    "self_care": ("WG5 Soins personnels", "WG5 العناية الذاتية", "WG5 Self-care"),
    "communication": ("WG6 Communiquer", "WG6 التواصل", "WG6 Communicating"),
}
# key, then the header in French, Arabic and English, then other names people give the column.
_PEOPLE_HEADERS = (
    ("external_id", "Identifiant externe", "المعرف الخارجي", "External id", "N°", "No", "Numéro", "ID",
     "Identifiant", "Référence", "Ref", "Code bénéficiaire", "الرقم", "رقم", "رقم التسجيل"),
    ("last_name_latin", "Nom", "الاسم العائلي (بالحروف اللاتينية)", "Last name", "Nom de famille",
     "Last name (Latin)", "Surname", "Family name"),
    ("first_name_latin", "Prénom", "الاسم الشخصي (بالحروف اللاتينية)", "First name", "First name (Latin)",
     "Given name"),
    ("last_name_ar", "Nom (arabe)", "الاسم العائلي", "Last name (Arabic)", "النسب", "Nom en arabe"),
    ("first_name_ar", "Prénom (arabe)", "الاسم الشخصي", "First name (Arabic)", "الاسم", "Prénom en arabe"),
    ("sex", "Sexe", "الجنس", "Sex", "Genre", "Gender", "النوع"),
    ("birth_date", "Date de naissance", "تاريخ الازدياد", "Date of birth", "Né le", "Née le",
     "Date naissance", "DDN", "تاريخ الميلاد", "Birth date", "Birthdate", "DOB"),
    ("age", "Âge", "السن", "Age", "العمر"),
    ("nationality", "Nationalité", "الجنسية", "Nationality"),
    ("migration_status", "Statut", "الوضعية", "Status", "Statut migratoire", "Migration status"),
    ("commune", "Commune", "الجماعة", "Commune", "Commune de résidence", "Residence", "Code commune",
     "Commune code", "commune_code", "الجماعة الترابية"),
    ("territory", "Province", "الإقليم", "Province", "Préfecture", "Province ou préfecture", "province_code",
     "العمالة"),
    ("area", "Milieu", "الوسط", "Area"),
    ("phone", "Téléphone", "الهاتف", "Phone", "Tél", "Tel", "GSM", "Mobile", "N° de téléphone", "رقم الهاتف"),
    ("phone_alt", "Autre téléphone", "هاتف آخر", "Other phone", "Téléphone 2", "Tél 2", "Phone 2"),
    ("id_type", "Type de pièce", "نوع الوثيقة", "Document type", "Type de document", "Pièce d'identité",
     "ID type"),
    ("id_number", "Numéro de pièce", "رقم الوثيقة", "Document number", "CIN", "N° CIN", "Numéro CIN",
     "رقم البطاقة الوطنية", "البطاقة الوطنية", "ID number", "Passport number"),
    ("education_level", "Niveau d'études", "المستوى الدراسي", "Education level", "Niveau scolaire",
     "Niveau d'instruction", "Education"),
    ("neet", "NEET", "لا يدرس ولا يعمل", "NEET", "Ni en emploi ni en formation"),
    ("household_head", "Chef de ménage", "رب الأسرة", "Head of household", "Chef de famille", "ربة الأسرة"),
    ("languages", "Langues", "اللغات", "Languages", "Langues parlées", "Spoken languages"),
    *((key, *_WG_HEADERS[domain], key.removeprefix("wg_"), f"wg{n}")
      for n, (key, (domain, _label)) in enumerate(zip(WG_FIELDS, WashingtonGroup.DOMAINS, strict=True), 1)),
    ("consent", "Date du consentement", "تاريخ الموافقة", "Consent date", "Consentement", "Consent",
     "الموافقة", "Date consentement"),
    ("contact_consent", "Consentement contact", "الموافقة على الاتصال", "Contact consent",
     "Accepte d'être contacté"),
)  # fmt: skip
# Evaluated when the template is written, in its language (a lazy string formatted at import would not be).
_LANGUAGES_ACCEPTED = lazy(
    lambda: (
        gettext("codes or names separated by commas: %s")
        % "; ".join(f"{code} ({label})" for code, label in Language.choices)
    ),
    str,
)()
_WG_ACCEPTED = gettext_lazy("1 no difficulty, 2 some, 3 a lot, 4 cannot do at all")
_ID_HELP = gettext_lazy(
    "Your own id for the person, unique in your organisation; importing it again changes nothing."
)
# key → (meaning, accepted values, two examples)
_PEOPLE_DOCS = {
    "external_id": (_ID_HELP, gettext_lazy("up to 64 characters"), ("P-0001", "P-0002")),
    "last_name_latin": (gettext_lazy("Family name in Latin letters."), "", ("Alaoui", "Diallo")),
    "first_name_latin": (gettext_lazy("First name in Latin letters."), "", ("Fatima", "Mamadou")),
    "last_name_ar": (gettext_lazy("Family name in Arabic letters. Give at least one name in either script."),
                     "", ("العلوي", "")),
    "first_name_ar": (gettext_lazy("First name in Arabic letters."), "", ("فاطمة", "")),
    "sex": ("", gettext_lazy("F or M (also femme/homme, أنثى/ذكر)"), (FEMALE, MALE)),
    "birth_date": (gettext_lazy("Leave it empty and give the age when the date is not known."), DATE_FORMAT,
                   ("12/03/2001", "")),
    "age": (gettext_lazy("Used only when the date of birth is empty: an estimated date is recorded."),
            gettext_lazy("whole years, 10 to 100"), ("", "27")),
    "nationality": ("", gettext_lazy("two-letter ISO country code, or the country's name; empty means MA"),
                    ("MA", "SN")),
    "migration_status": (SENSITIVE, labels(MigrationStatus),
                         (MigrationStatus.MOROCCAN.label, MigrationStatus.REGULAR_MIGRANT.label)),
    "commune": (gettext_lazy("Commune of residence; the province column is used when it is empty."),
                gettext_lazy("name or code of a commune"), (pgettext_lazy("a commune", "Oujda"), "COM_0781")),
    "territory": (gettext_lazy("Province or prefecture, when the commune is not known."),
                  gettext_lazy("name or code of a province"), ("", "")),
    "area": (gettext_lazy("Empty: taken from the commune."), labels(Area), ("", "")),
    "phone": ("", gettext_lazy("Moroccan number, or an international one starting with +"),
              ("06 12 34 56 78", "+221 77 123 45 67")),
    "id_type": (gettext_lazy("Empty with a number: a CIN."), labels(IdType),
                (IdType.CIN.label, IdType.PASSPORT.label)),
    "id_number": (SENSITIVE, "", ("AB123456", "A1234567")),
    "education_level": ("", labels(EducationLevel),
                        (EducationLevel.BACCALAUREATE.label, EducationLevel.PRIMARY.label)),
    "neet": (gettext_lazy("Not in employment, education or training."), YES_NO, (YES, NO)),
    "household_head": ("", YES_NO, (NO, YES)),
    "languages": ("", _LANGUAGES_ACCEPTED, ("ary, fr", "fr")),
    **{key: (label, _WG_ACCEPTED, ("1", "2"))
       for key, (_domain, label) in zip(WG_FIELDS, WashingtonGroup.DOMAINS, strict=True)},
    "consent": (gettext_lazy("The day the person agreed to be registered. A row without it is rejected."),
                DATE_FORMAT, ("05/01/2025", "2025-01-06")),
    "contact_consent": (gettext_lazy("Agrees to be contacted for follow-up surveys."), YES_NO, (YES, NO)),
}  # fmt: skip


def build_columns(headers, docs, required) -> tuple[Column, ...]:
    """Columns from rows (key, French, Arabic and English headers, *aliases) and docs {key: (help, accepted,
    examples)}."""
    columns = []
    for key, fr, ar, en, *aliases in headers:
        help_, accepted, examples = docs.get(key, ("", "", ("", "")))
        headers_ = {"fr": fr, "ar": ar, "en": en}
        columns.append(Column(key, headers_, tuple(aliases), key in required, help_, accepted, examples))
    return tuple(columns)


PEOPLE_COLUMNS = build_columns(_PEOPLE_HEADERS, _PEOPLE_DOCS, {"sex", "commune", "consent"})
