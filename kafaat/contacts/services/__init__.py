"""The stakeholder directory's rules: who reads and edits a contact, what a valid contact is, the likely same
people before a new entry (and at import), merging two entries, linking a beneficiary record.

Every function takes the acting user and goes through `core.access`; reads of one contact are audited (a
contact is personal data), lists are one `list` event with the ids shown.

The rules live in the modules below, by responsibility; this package names them all, so callers import
`kafaat.contacts.services` as before."""

from kafaat.contacts.services.matches import (  # noqa: F401
    LIKELY_SCORE,
    MAX_MATCHES,
    STRONG_SCORE,
    Match,
    PossibleDuplicates,
    find_matches,
    match_details,
    matches_for,
)
from kafaat.contacts.services.reading import (  # noqa: F401
    audit_list,
    can_change,
    get_contact,
    get_contact_for_change,
    keeping_organisations,
    search_contacts,
    visible_contacts,
)
from kafaat.contacts.services.validation import (  # noqa: F401
    EDITABLE_FIELDS,
    LANGUAGE_CODES,
    NAME_FIELDS,
    clean_contact_data,
)
from kafaat.contacts.services.writing import (  # noqa: F401
    REFERENCES,
    create_contact,
    link_person,
    merge_contacts,
    person_visible_to,
    require_view,
    update_contact,
)
