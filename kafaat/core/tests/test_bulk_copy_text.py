"""COPY's text format built column by column (`bulk.copy_text`): PostgreSQL reads back what was sent."""

import datetime
import uuid
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kafaat.core.imports import copy_lines, copy_text


def test_nulls_empty_strings_and_special_characters():
    rows = [
        ("plain", None, "", True, 3),
        ("tab\there", "new\nline", "back\\slash", False, None),
        ("cr\rhere", "\\.", "عربي", None, -1),
    ]
    assert copy_text(rows, 5) == (
        "plain\t\\N\t\tt\t3\ntab\\there\tnew\\nline\tback\\\\slash\tf\t\\N\ncr\\rhere\t\\\\.\tعربي\t\\N\t-1\n"
    )


def test_dates_numbers_and_uuids_as_postgresql_reads_them():
    when = datetime.datetime(2026, 11, 29, 10, 0, tzinfo=datetime.UTC)
    uid = uuid.UUID("12345678-1234-4234-8234-123456789abc")
    rows = [(datetime.date(2001, 3, 12), when, uid, Decimal("1.50"), 1, True)]
    assert copy_text(rows, 6) == f"2001-03-12\t{when}\t{uid}\t1.50\t1\tt\n"


def test_one_and_true_in_one_column_stay_apart():
    assert copy_text([(1,), (True,), (1.0,), (None,)], 1) == "1\nt\n1.0\n\\N\n"


def test_a_value_copy_cannot_write_is_refused():
    with pytest.raises(TypeError):
        copy_text([(object(),)], 1)
    with pytest.raises(ValueError):
        copy_text([(1, 2)], 3)


_CELLS = st.one_of(st.none(), st.booleans(), st.integers(-(2**40), 2**40), st.text(max_size=12), st.dates())


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5).flatmap(lambda n: st.lists(st.tuples(*[_CELLS] * n), min_size=1, max_size=8)))
def test_lines_written_with_their_ids_are_the_rows_copy_text(rows):
    """`copy_lines` of every column but the first, joined with the first as `BulkTable.write_lines` does,
    is `copy_text` of the whole rows."""
    ids = list(range(len(rows)))
    full = [(pk, *row) for pk, row in zip(ids, rows, strict=True)]
    lines = copy_lines([list(column) for column in zip(*rows, strict=True)])
    joined = "".join(f"{pk}\t{line}\n" for pk, line in zip(ids, lines, strict=True))
    assert joined == copy_text(full, len(full[0]))
