"""Deduplicating any spreadsheet: a CSV or XLSX file never seen before, its columns mapped to fields.

    python -m kafaat dedupe-file people.xlsx --id-column "N°" --map Prénom=first_name --map Nom=last_name \
        --map "Date de naissance"=birth_date --map Tél=phone --out clusters.csv

Every input row is written back with its cluster id; a second file (`…_pairs.csv`) lists each pair found
with its probability and the fields that agreed. The saved model gives the m probabilities; the u
probabilities (how often unrelated rows agree) are learnt on the file itself when it is large enough, so
names need not be Moroccan. The same function serves the management command and the page.
"""

from __future__ import annotations

import csv
import json
import os
import threading
import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kafaat.core import audit, jobs
from kafaat.core.imports import ImportFileError, read_table, safe_cell, safe_row
from kafaat.core.models import Job as JobRecord
from kafaat.registry.dedup import linkage

FIELDS = (
    "first_name",
    "last_name",
    "full_name",
    "sex",
    "birth_date",
    "phone",
    "id_number",
    "commune",
    "address",
    "postcode",
)
FIELD_CHOICES = (
    ("first_name", gettext_lazy("First name")),
    ("last_name", gettext_lazy("Last name")),
    ("full_name", gettext_lazy("Full name")),
    ("sex", gettext_lazy("Sex")),
    ("birth_date", gettext_lazy("Date of birth or age")),
    ("phone", gettext_lazy("Phone")),
    ("id_number", gettext_lazy("Identity document number")),
    ("commune", gettext_lazy("Commune or city")),
    ("address", gettext_lazy("Address")),
    ("postcode", gettext_lazy("Postcode")),
)
MIN_ROWS_FOR_U = 1000  # below this, the saved model's u probabilities are kept
MAX_UPLOAD_MB = 50
Progress = Callable[[str, float], None]

_GUESSES = {
    "first_name": ("prenom", "first", "given", "الاسم الشخصي", "الاسم"),
    "last_name": ("nom de famille", "last", "surname", "family", "النسب", "العائلي", "nom"),
    "full_name": ("nom complet", "full name", "name", "الاسم الكامل"),
    "sex": ("sexe", "sex", "gender", "genre", "الجنس"),
    "birth_date": ("naissance", "birth", "dob", "age", "الازدياد", "الميلاد"),
    "phone": ("tel", "phone", "mobile", "gsm", "الهاتف"),
    "id_number": ("cin", "cni", "passport", "id", "البطاقة"),
    "commune": ("commune", "ville", "city", "الجماعة", "المدينة"),
    "address": ("adresse", "address", "العنوان"),
    "postcode": ("code postal", "postcode", "zip"),
}


def guess_mapping(columns: list[str]) -> dict[str, str]:
    """A first guess of each column's field from its header (French, English, Arabic), for the page."""
    from kafaat.registry.normalise import normalise_latin

    guesses: dict[str, str] = {}
    for column in columns:
        header = normalise_latin(column).strip()
        for field, words in _GUESSES.items():
            if field not in guesses.values() and any(word in header for word in words):
                guesses[column] = field
                break
    return guesses


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(path: Path | str) -> tuple[list[str], list[list[str]]]:
    table = read_table(str(path))
    headers = [h or f"column {i + 1}" for i, h in enumerate(table.headers)]
    rows = [[_cell(c) for c in cells] + [""] * (len(headers) - len(cells)) for _, cells in table.rows]
    return headers, [row[: len(headers)] for row in rows]


def _records(headers: list[str], rows: list[list[str]], mapping: Mapping[str, str]) -> pa.Table:
    unknown = [column for column in mapping if column not in headers]
    if unknown:
        raise ValueError(_("No column named %(names)s in the file.") % {"names": ", ".join(unknown)})
    columns: dict[str, list[str]] = {"unique_id": list(range(len(rows)))}
    for column, field in mapping.items():
        if field not in FIELDS:
            raise ValueError(
                _("Unknown field %(field)s: use one of %(fields)s.")
                % {"field": field, "fields": ", ".join(FIELDS)}
            )
        target = "phone_alt" if field == "phone" and "phone" in columns else field
        if target in columns:
            raise ValueError(_("Two columns are mapped to %(field)s.") % {"field": field})
        position = headers.index(column)
        columns[target] = [row[position] for row in rows]
    if not {"first_name", "last_name", "full_name"} & set(columns):
        raise ValueError(_("Map at least one name column (first_name, last_name or full_name)."))
    return pa.table(columns)


def dedupe(
    path: Path | str,
    mapping: Mapping[str, str],
    out: Path | str,
    *,
    id_column: str = "",
    progress: Progress | None = None,
) -> dict:
    """Cluster the rows of a spreadsheet; write `out` (every row + cluster) and `…_pairs.csv`."""
    say = progress or (lambda step, share: None)
    say(_("reading the file"), 0.05)
    headers, rows = read_rows(path)
    if id_column and id_column not in headers:
        raise ValueError(_("No column named %(name)s in the file.") % {"name": id_column})
    records = _records(headers, rows, mapping)
    say(_("preparing names, dates and phones"), 0.15)
    prepared = linkage.prepare(records, reference_year=date.today().year)
    result = linkage.link(
        prepared,
        estimate_u=len(rows) >= MIN_ROWS_FOR_U,
        progress=lambda step, share: say(step, 0.2 + 0.7 * share),
    )
    say(_("writing the results"), 0.92)
    ids = (
        [row[headers.index(id_column)] for row in rows]
        if id_column
        else [str(i + 2) for i in range(len(rows))]
    )
    summary = _write(Path(out), headers, rows, ids, result)
    say(_("done"), 1.0)
    return summary


def _write(out: Path, headers, rows, ids, result: linkage.LinkageResult) -> dict:
    cluster_of = dict(
        zip(result.clusters["unique_id"].to_pylist(), result.clusters["cluster_id"].to_pylist(), strict=True)
    )
    numbering: dict = {}
    for position in range(len(rows)):  # clusters numbered 1, 2, … in the order of the file
        numbering.setdefault(cluster_of.get(position, ("single", position)), len(numbering) + 1)
    cluster = [numbering[cluster_of.get(p, ("single", p))] for p in range(len(rows))]
    sizes: dict[int, int] = {}
    for value in cluster:
        sizes[value] = sizes.get(value, 0) + 1
    best: dict[int, tuple[float, int, str]] = {}
    pairs = result.pairs.to_pylist()
    for pair in pairs:
        for a, b in ((pair["unique_id_l"], pair["unique_id_r"]), (pair["unique_id_r"], pair["unique_id_l"])):
            if pair["match_probability"] > best.get(a, (-1.0, 0, ""))[0]:
                best[a] = (pair["match_probability"], b, pair["agreed"] or "")
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                *safe_row(headers),
                "cluster_id",
                "cluster_size",
                "best_match",
                "best_match_probability",
                "agreed_with_best_match",
            ]
        )
        for position, row in enumerate(rows):
            probability, other, agreed = best.get(position, (None, None, ""))
            writer.writerow(
                [
                    *safe_row(row),
                    cluster[position],
                    sizes[cluster[position]],
                    safe_cell(ids[other]) if other is not None else "",
                    f"{probability:.4f}" if probability is not None else "",
                    agreed,
                ]
            )
    pairs_path = out.with_name(out.stem + "_pairs.csv")
    with pairs_path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id_1", "id_2", "cluster_id", "probability", "agreed"])
        for pair in sorted(pairs, key=lambda p: -p["match_probability"]):
            a, b = pair["unique_id_l"], pair["unique_id_r"]
            writer.writerow(
                [
                    safe_cell(ids[a]),
                    safe_cell(ids[b]),
                    cluster[a] if cluster[a] == cluster[b] else "",
                    f"{pair['match_probability']:.4f}",
                    pair["agreed"] or "",
                ]
            )
    duplicated = sum(size for size in sizes.values() if size > 1)
    return {
        "rows": len(rows),
        "clusters": len(sizes),
        "rows_in_clusters": duplicated,
        "pairs": len(pairs),
        "out": str(out),
        "pairs_out": str(pairs_path),
    }


# --- Jobs of the page ---------------------------------------------------------------------------------------


class Job:
    """One uploaded file and its run, kept as JSON beside the file under MEDIA_ROOT/dedupe/<id>/."""

    def __init__(self, folder: Path, data: dict) -> None:
        self.folder, self.data = folder, data

    def __getattr__(self, name):
        try:
            return self.__dict__["data"][name]
        except KeyError as exc:
            raise AttributeError(name) from exc

    @property
    def percent(self) -> int:
        return int(100 * self.data.get("share", 0))

    def save(self) -> None:
        # Written aside then renamed: the progress page reads the file while the run thread writes it, and a
        # half-written file read as "no such job" (a 404 that stopped the page polling).
        temporary = self.folder / f"job.json.{os.getpid()}.{threading.get_ident()}"
        temporary.write_text(json.dumps(self.data, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self.folder / "job.json")


def _root() -> Path:
    return Path(settings.MEDIA_ROOT) / "dedupe"


def save_upload(user, upload) -> Job:
    suffix = Path(upload.name).suffix.lower()
    if suffix not in (".csv", ".xlsx", ".txt", ".tsv"):
        raise ValueError(_("Upload a CSV or XLSX file."))
    if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
        raise ValueError(_("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD_MB})
    job_id = uuid.uuid4().hex
    folder = _root() / job_id
    folder.mkdir(parents=True)
    path = folder / f"input{suffix}"
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    try:
        headers, rows = read_rows(path)
    except (ImportFileError, ValueError) as exc:
        raise ValueError(str(exc)) from exc
    job = Job(
        folder,
        {
            "id": job_id,
            "user": user.pk,
            "file_name": upload.name[:200],
            "input": str(path),
            "columns": headers,
            "rows": len(rows),
            "status": "mapping",
            "step": "",
            "share": 0.0,
        },
    )
    job.save()
    audit.record(
        audit.Action.CREATE,
        user,
        target_type="registry.dedupe_file",
        target_id=job_id,
        details={"file": job.file_name, "rows": len(rows)},
    )
    return job


def get_job(user, job_id: str) -> Job | None:
    if not job_id.isalnum():
        return None
    folder = _root() / job_id
    try:
        data = json.loads((folder / "job.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Job(folder, data) if data.get("user") == user.pk else None


def start(
    job: Job, mapping: dict[str, str], *, id_column: str = "", user=None, background: bool = True
) -> None:
    """Check the mapping, then run the file's deduplication: a job in the worker, or here (`background`
    False)."""
    records = _records(job.columns, [], mapping)  # checks the mapping before the job is queued
    del records
    job.data.update(status="running", mapping=mapping, id_column=id_column, step=_("starting"), share=0.0)
    job.save()
    if background:
        jobs.enqueue(JOB_KIND, user=user, target=job.id)
    else:
        _work(job, None)


JOB_KIND = "registry.dedupe_file"


def _work(job: Job, progress: jobs.Progress | None) -> jobs.Outcome:
    def report(step: str, share: float) -> None:
        job.data.update(step=str(step), share=round(share, 3))
        job.save()
        if progress is not None:
            progress(round(share * 100), 100, str(step))

    try:
        out = job.folder / "clusters.csv"
        summary = dedupe(job.input, job.mapping, out, id_column=job.id_column, progress=report)
        job.data.update(status="done", result_path=str(out), summary=summary)
        outcome = jobs.Outcome()
    except Exception as exc:  # shown on the page
        job.data.update(status="failed", error=str(exc)[:500])
        outcome = jobs.Outcome(JobRecord.Status.FAILED, job.error)
    job.save()
    return outcome


def _stored(task: JobRecord) -> Job:
    folder = _root() / task.target
    return Job(folder, json.loads((folder / "job.json").read_text(encoding="utf-8")))


def _job_failed(task: JobRecord, message: str) -> None:
    job = _stored(task)
    job.data.update(status="failed", error=message)
    job.save()


def _retry_job(task: JobRecord) -> None:
    job = _stored(task)
    if not Path(job.input).is_file():
        raise ValidationError(_("The uploaded file is no longer kept: upload it again."))
    job.data.update(status="running", step=_("starting"), share=0.0, error="")
    job.save()


def register_jobs() -> None:
    jobs.register(
        jobs.JobKind(
            name=JOB_KIND,
            label=gettext_lazy("Duplicate check of a file"),
            run=lambda task, progress: _work(_stored(task), progress),
            failed=_job_failed,
            retry=_retry_job,
            link=lambda task: reverse("registry:dedupe_file_job", args=[task.target]),
        )
    )
