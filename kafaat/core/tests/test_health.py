"""`/health/`: anonymous, JSON, counts and ages only; 503 when the database does not answer."""

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from django.utils import timezone

from kafaat.core.models import AuditEvent, Job, WorkerHeartbeat
from kafaat.observatory.models import Snapshot
from kafaat.registry import services as registry

ROOT = Path(__file__).resolve().parents[3]
PERSON = {
    "first_name_latin": "Fatima Zahra",
    "last_name_latin": "Benali",
    "first_name_ar": "فاطمة الزهراء",
    "last_name_ar": "بنعلي",
    "sex": "F",
    "birth_date": "12/03/2001",
    "commune": "Oujda",
    "phone": "06 12 34 56 78",
    "id_type": "cin",
    "id_number": "F123456",
    "migration_status": "moroccan",
}


def _leaves(document):
    for value in document.values():
        if isinstance(value, dict):
            yield from _leaves(value)
        else:
            yield value


def test_healthy_answer_for_an_anonymous_monitor(client, world):
    caseworker = world["users"]["caseworker_a"]
    registry.register_person(caseworker, PERSON, consent_given_on=date(2026, 1, 5))
    for status in ("queued", "running", "done"):
        Job.objects.create(
            kind="registry.import", user=caseworker, organisation=world["ngo_a"], status=status
        )
    WorkerHeartbeat.objects.create(worker_id="w1", hostname="kafaat-1", pid=4242)
    taken = timezone.now() - timedelta(hours=2)
    Snapshot.objects.create(status="done", taken_at=taken)
    Snapshot.objects.create(status="running")
    events = AuditEvent.objects.count()

    response = client.get("/health/")  # nobody signed in

    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    document = response.json()
    assert document["status"] == "ok" and document["database"] == {"reachable": True}
    assert 7200 <= document["warehouse"]["snapshot_age_seconds"] < 7300
    assert document["warehouse"]["refreshing"] == 1 and document["warehouse"]["last_refresh_failed"] is False
    jobs = document["jobs"]
    assert (jobs["queued"], jobs["running"], jobs["workers"]) == (1, 1, 1)
    assert jobs["oldest_waiting_seconds"] >= 0
    # Counts and ages only: no name, file name, organisation or id of anyone.
    assert set(document) == {"status", "database", "warehouse", "jobs"}
    assert all(value is None or isinstance(value, bool | int) for value in _leaves(document) if value != "ok")
    body = response.content.decode()
    for secret in ("Benali", "Fatima", "benali.xlsx", "F123456", "ngo-a-oujda", "caseworker"):
        assert secret not in body
    assert AuditEvent.objects.count() == events  # a monitor's calls are not audited


def test_a_fresh_database_is_healthy_without_a_snapshot(client, db):
    document = client.get("/health/").json()
    assert document["warehouse"]["snapshot_age_seconds"] is None
    assert document["jobs"] == {"queued": 0, "running": 0, "oldest_waiting_seconds": None, "workers": 0}


def test_503_when_the_database_is_unreachable(tmp_path):
    # A real unreachable database: an SQLite file in a folder that does not exist.
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'missing' / 'kafaat.sqlite3'}",
        "KAFAAT_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "kafaat.settings",
    }
    script = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client().get('/health/'); print(json.dumps([r.status_code, r.json()]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
    )
    status, document = json.loads(result.stdout.strip().splitlines()[-1])
    assert status == 503
    assert document == {"status": "unavailable", "database": {"reachable": False}}
