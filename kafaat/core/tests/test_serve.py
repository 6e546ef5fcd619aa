"""`python -m kafaat serve` really serves: pages, static files and /health/ through gunicorn."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from kafaat.core.serving import ServeOptions

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 — our own local server
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.skipif(sys.platform == "win32", reason="gunicorn runs on POSIX systems")
def test_serve_answers_health_pages_and_static_files(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(KAFAAT_VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}")
    command = [sys.executable, "-m", "kafaat"]
    subprocess.run([*command, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=120)
    port = _free_port()
    server = subprocess.Popen(
        [*command, "serve", "--addr", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline, status = time.monotonic() + 30, None
        while time.monotonic() < deadline and status != 200:
            try:
                status, body = _get(f"{base}/health/")
            except OSError:  # not listening yet
                time.sleep(0.2)
        assert status == 200, "the server did not answer /health/ in 30 s"
        assert b'"status": "ok"' in body
        status, body = _get(f"{base}/login/")
        assert status == 200 and b"<form" in body
        status, body = _get(f"{base}/static/core/kafaat.css")
        assert status == 200 and len(body) > 1000
    finally:
        server.send_signal(signal.SIGTERM)  # gunicorn's graceful stop
        output = server.communicate(timeout=30)[0].decode()
    assert server.returncode == 0, output
    # The access log goes to stdout, one line per request.
    assert "GET /login/ HTTP/1.1" in output and "Booting worker" in output


def test_serve_defaults_are_bounded():
    settings = ServeOptions(addr="127.0.0.1:9", workers=0).gunicorn()
    assert 1 <= settings["workers"] <= 8
    assert 30 <= settings["timeout"] <= 300 and settings["graceful_timeout"] <= settings["timeout"]
    assert settings["max_requests"] > 0 and 0 < settings["max_requests_jitter"] < settings["max_requests"]
    assert settings["accesslog"] == "-"
