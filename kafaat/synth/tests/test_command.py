import csv
import io

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command

from kafaat.synth.phones import normalise_phone


@pytest.fixture(autouse=True)
def synth_installed(settings, tmp_path):
    if "kafaat.synth" not in settings.INSTALLED_APPS:
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "kafaat.synth"]
    settings.VAR_DIR = tmp_path / "var"


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("generate", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_writes_csv_with_n_rows_and_reports_progress(tmp_path):
    path = tmp_path / "people.csv"
    out, err = run("--people", "1234", "--seed", "7", "--out", str(path), "--chunk-size", "500")
    with open(path, encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    assert len(records) == 1234
    assert records[0]["external_id"] == "SYN-0000001"
    assert normalise_phone(records[0]["phone"]).startswith("+212")
    assert "1,234/1,234 rows" in err and "rows/s" in err
    assert err.count("rows/s") == 3  # one progress line per chunk of 500
    assert "Wrote 1,234 people" in out and " s (" in out


def test_same_seed_gives_byte_identical_files(tmp_path):
    first, second, other = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    run("--people", "300", "--seed", "5", "--out", str(first))
    run("--people", "300", "--seed", "5", "--out", str(second))
    run("--people", "300", "--seed", "6", "--out", str(other))
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()
    run("--people", "300", "--seed", "5", "--out", str(tmp_path / "a.parquet"))
    run("--people", "300", "--seed", "5", "--out", str(tmp_path / "b.parquet"))
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()


def test_parquet_from_suffix_and_default_path(tmp_path, settings):
    path = tmp_path / "people.parquet"
    run("--people", "250", "--out", str(path))
    assert pq.read_table(path).num_rows == 250
    run("--people", "40", "--format", "parquet")
    assert pq.read_table(settings.VAR_DIR / "synth" / "people-40.parquet").num_rows == 40
    run("--people", "30")
    assert (settings.VAR_DIR / "synth" / "people-30.csv").read_text(encoding="utf-8").count("\n") == 31


def test_rejects_negative_sizes():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        run("--people", "-5")
