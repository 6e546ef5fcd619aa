"""Publishing again what was just published: a new version whose figures are those of the last one.

Packages are immutable, so every publication is a new version; one that holds the same figures as the last
version only clutters the list (and tells readers something changed). Two checks, both before anything is
stored:

* before building, `same_snapshot_version`: the last version was made from the current warehouse snapshot,
  so a new one would hold the same figures (a package's figures are a function of the snapshot);
* after building, `content_fingerprint` of the new package against the last version's (`identical`): the
  snapshot changed, but not the figures of this territory and year.

The publish page warns in both cases and publishes only when the publisher confirms; the command line and
the API publish as before (`publish(..., refuse_identical=False)`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kafaat.core.l10n import formatting
from kafaat.observatory import snapshot
from kafaat.observatory.publication.models import NATIONAL, Publication

# The files that hold the figures. The descriptor, the methodology and the workbook name the version and the
# times of publication, so they differ between two versions of the same figures.
DATA_SUFFIX = ".csv"


def content_fingerprint(files: Iterable[tuple[str, str]]) -> str:
    """The fingerprint of a package's figures from its files' (name, SHA-256): the data resources only."""
    data = sorted((name, sha) for name, sha in files if name.endswith(DATA_SUFFIX))
    return hashlib.sha256("\n".join(f"{name} {sha}" for name, sha in data).encode()).hexdigest()


def identical(fingerprint: str, last: str | None) -> bool:
    """Whether a new package's figures (`fingerprint`) are those of the last version's (None: no version)."""
    return last is not None and fingerprint == last


def fingerprint_of(publication: Publication) -> str:
    """The fingerprint of a stored version, from the hashes recorded when it was published."""
    return content_fingerprint((f.name, f.sha256) for f in publication.files.all())


def same_snapshot(last: Publication | None, taken_at: datetime | None) -> bool:
    """Whether the last version was made from the snapshot taken at `taken_at` (then its figures are those
    a new version would hold)."""
    return last is not None and taken_at is not None and last.snapshot_taken_at == taken_at


class IdenticalPackage(ValidationError):
    """The package would hold the figures of the last version: nothing was published."""

    def __init__(self, last: Publication, *, same_snapshot: bool = False):
        self.last = last
        super().__init__(warning(last, same_snapshot=same_snapshot))


def warning(last: Publication, *, same_snapshot: bool) -> str:
    """What the publish page says before publishing the same figures again."""
    when = formatting.format_datetime(last.published_at)
    if same_snapshot:
        return _(
            "Version %(version)s of this package was published on %(when)s from the same snapshot of the "
            "warehouse: a new version would hold exactly the same figures."
        ) % {"version": last.version, "when": when}
    return _(
        "The package holds exactly the figures of version %(version)s, published on %(when)s: nothing has "
        "changed for this territory and year since."
    ) % {"version": last.version, "when": when}


def refuse_if_identical(files: Iterable[tuple[str, str]], last: Publication | None) -> None:
    """IdenticalPackage when the new package's files (name, SHA-256) hold the last version's figures."""
    if last is not None and identical(content_fingerprint(files), fingerprint_of(last)):
        raise IdenticalPackage(last)


def repeated_snapshot(code: str, year) -> Publication | None:
    """The last version of the package of `code` and `year` when it was made from the current snapshot (a
    new one would be identical), else None; None too for a request `publish` will refuse anyway."""
    code = (code or "").strip()
    if code.upper() == NATIONAL:
        code = NATIONAL
    try:
        year = int(year)
    except (TypeError, ValueError):
        return None
    info = snapshot.info()
    last = Publication.objects.filter(scope_code=code, year=year).order_by("-version").first()
    return last if same_snapshot(last, info.taken_at if info else None) else None
