"""What an app says about one kind of file, and what becomes of each row: the import framework's types.

At the bottom of the import framework: `importing` (reading, mapping, writing) and `import_workers`
(validating chunks in other threads or processes) both use these, and neither needs the other for them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kafaat.core.imports.spreadsheets import printable

# --- Columns and headers ------------------------------------------------------------------------------------

_ARABIC_FOLDS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي", "ـ": ""})


def fold(text: str) -> str:
    """A header as compared: no accents or Arabic vowel marks, no case, no spaces or punctuation."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    kept = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().translate(_ARABIC_FOLDS)
    return "".join(c for c in kept if c.isalnum())


@dataclass(frozen=True)
class Column:
    key: str
    headers: Mapping[str, str]  # language → the header templates use; a format contract, not a UI string
    aliases: tuple[str, ...] = ()
    required: bool = False
    help: Any = ""  # lazy translations: meaning and accepted values, for the documentation sheet
    accepted: Any = ""
    examples: tuple[Any, Any] = ("", "")

    def header(self, language: str) -> str:
        return self.headers.get(language[:2]) or self.headers["en"]

    @property
    def folded_names(self) -> set[str]:
        return {fold(name) for name in (self.key, *self.headers.values(), *self.aliases)} - {""}


@dataclass
class RowError:
    row: int
    column: str
    message: str
    value: Any = ""

    def as_list(self) -> list:
        """As kept on a job (JSON): without the control characters a damaged file's headers may hold."""
        return [self.row, printable(self.column), printable(self.message)]


@dataclass(slots=True)
class Outcome:
    """What became of one row: errors by field, or a key (for idempotence) and what to write."""

    row: int
    errors: dict[str, str] = field(default_factory=dict)
    key: str = ""
    record: Any = None
    skipped: bool = False  # already imported with the same values

    def __reduce__(self):  # a plain tuple through the process pipes: three times cheaper to pickle
        return (Outcome, (self.row, self.errors, self.key, self.record, self.skipped))


class ImportSpec:
    """What an app says about one kind of file. Subclasses set the columns and implement the three steps."""

    kind = ""
    columns: tuple[Column, ...] = ()
    required_groups: tuple[tuple[str, ...], ...] = ()  # at least one column of each group must be present
    error_columns: Mapping[str, tuple[str, ...]] = {}  # an error's field → the columns that may hold it
    parallel = False  # validate_rows is pure (no database) and may run in worker processes
    columnar = False  # validate_rows receives `Columns` (numbers, a list of cells per field), not row dicts
    streaming = False  # write() may be called chunk by chunk as rows are checked (then finish() once)
    language = "en"

    def worker_state(self) -> Any:
        """Everything validate_rows needs, picklable."""
        return self

    @staticmethod
    def validate_rows(state: Any, rows: list[tuple[int, dict]]) -> list[Outcome]:
        raise NotImplementedError

    def check(self, outcomes: list[Outcome]) -> None:
        """Checks across rows and against the database, in file order; may add errors or mark rows skipped."""

    def write(self, records: list, progress: Callable[[int], None]) -> int:
        """Write the records of good rows (inside the import's transaction); return how many were written."""
        raise NotImplementedError

    def finish(self) -> None:
        """After the last write, in the same transaction: what is done once (the audit event)."""

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)
