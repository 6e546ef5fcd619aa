"""The rules of a person applied to whole columns of a file (the importer): `clean_columns`.

Split from ``validation.py``, which declares the rules and applies them to one person (`clean_person`). Each
rule runs once per distinct combination of its inputs and the results are remembered across the chunks of a
file, so both give the same values and the same messages (docs/decisions/0010-person-rules-by-column.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kafaat.registry.validation.rules import Context, Rule


@dataclass(frozen=True)
class _Typed:
    """A cell that is not text, with its type: 1, 1.0 and True are equal keys of a dict, not equal cells."""

    kind: type
    value: Any

    @classmethod
    def of(cls, value: Any) -> _Typed:
        return cls(type(value), value)


_TEXT_TYPES = {str, type(None)}


def _typed(column: Sequence) -> Sequence:
    if set(map(type, column)) <= _TEXT_TYPES:
        return column
    return [v if type(v) is str or v is None else _Typed.of(v) for v in column]


@dataclass
class Columns:
    """`clean_columns`' result: cleaned values by field (one list per field, one item per row) and the errors
    of the rows that have any, by row index."""

    values: dict[str, list] = field(default_factory=dict)
    errors: dict[int, dict[str, str]] = field(default_factory=dict)


MEMO_LIMIT = 100_000  # results remembered per rule across the chunks of one file


def clean_columns(
    rules: Sequence[Rule], columns: Mapping[str, Sequence], rows: int, ctx: Context, memo: dict | None = None
) -> Columns:
    """`rules` applied to whole columns (raw values by field; a missing field is empty): each rule runs once
    per distinct combination of its inputs, and `memo` (one dict per rule, kept by the caller between chunks
    of one file) remembers the results. Values are shared between rows with the same inputs: read only.

    Rows whose inputs are unhashable (lists, from an API) must go through `clean_person` instead."""
    memo = {} if memo is None else memo
    out = Columns()
    typed: dict[str, Sequence] = {}
    failed: dict[int, list] = {}
    for number, rule in enumerate(rules):
        known = memo.setdefault(number, {})
        if len(known) > MEMO_LIMIT:  # values unique to each row (phones, documents): keep memory bounded
            known.clear()
        present = []  # the positions of the inputs the file has: the others are None on every row
        for position, key in enumerate(rule.inputs):
            if columns.get(key) is not None:
                if key not in typed:
                    typed[key] = _typed(columns[key])
                present.append(position)
        if not present:
            keys: Sequence = [()] * rows
        elif len(present) == 1:
            keys = typed[rule.inputs[present[0]]]
        else:
            keys = list(zip(*(typed[rule.inputs[i]] for i in present), strict=True))
        distinct = set(keys)
        check = rule.check
        plain = len(present) == len(rule.inputs) and all(typed[k] is columns[k] for k in rule.inputs)
        if plain and len(distinct) == len(keys):
            # Every row different (phones, document numbers, external ids): remembering the results would
            # only cost; the rule runs once a row, as many times as through the memo.
            if len(present) == 1:
                results = [check(ctx, key) for key in keys]
            else:
                results = [check(ctx, *key) for key in keys]
            for position, name in enumerate(rule.outputs):
                out.values[name] = [result[0][position] for result in results]
            for index, result in enumerate(results):
                if result[1]:
                    failed.setdefault(index, []).append(result[1])
            continue
        missing = distinct.difference(known)
        if plain and len(present) == 1:  # the common cases first: every input given, all text
            for key in missing:
                known[key] = check(ctx, key)
        elif plain:
            for key in missing:
                known[key] = check(ctx, *key)
        else:
            for key in missing:
                given = key if len(present) != 1 else (key,)
                raw = [None] * len(rule.inputs)
                for position, value in zip(present, given, strict=True):
                    raw[position] = value.value if type(value) is _Typed else value
                known[key] = check(ctx, *raw)
        for position, name in enumerate(rule.outputs):
            value_of = {key: known[key][0][position] for key in distinct}
            out.values[name] = [value_of[key] for key in keys]
        bad = {key for key in distinct if known[key][1]}
        if bad:
            for index, key in enumerate(keys):
                if key in bad:
                    failed.setdefault(index, []).append(known[key][1])
    for index in sorted(failed):
        errors: dict[str, str] = {}
        for found in failed[index]:
            errors.update(found)
        out.errors[index] = errors
    return out
