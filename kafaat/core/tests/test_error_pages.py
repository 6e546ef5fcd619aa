"""What a person sees when something goes wrong: a page in their language, never Django's debug pages."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import Client


def _debug_of(environment: dict) -> str:
    env = {key: value for key, value in os.environ.items() if not key.startswith("KAFAAT_")} | environment
    code = "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'kafaat.settings'); "
    code += "django.setup(); from django.conf import settings; print(settings.DEBUG)"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_debug_is_off_unless_a_developer_asks_for_it():
    assert _debug_of({}) == "False"  # the demo's environment: nothing set
    assert _debug_of({"KAFAAT_DEBUG": "1"}) == "True"


@pytest.mark.parametrize(
    ("language", "title", "direction"),
    [("ar", "الصفحة غير موجودة", "rtl"), ("fr", "Page introuvable", "ltr"), ("en", "Not found", "ltr")],
)
def test_a_missing_or_out_of_scope_page_is_the_404_page_in_the_readers_language(
    client, world, language, title, direction
):
    client.force_login(world["users"]["caseworker_a"])
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/people/999999999/")
    html = response.content.decode()
    assert response.status_code == 404 and title in html and f'dir="{direction}"' in html
    assert "Traceback" not in html and "URLconf" not in html


@pytest.mark.urls("kafaat.core.tests.urls_failing")
def test_a_server_error_is_a_page_in_arabic_with_a_reference_found_in_the_log(world, caplog):
    client = Client(raise_request_exception=False)
    client.force_login(world["users"]["caseworker_a"])
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = client.get("/failing/")
    html = response.content.decode()
    assert response.status_code == 500 and "حدث خطأ" in html and 'dir="rtl"' in html
    assert "RuntimeError" not in html and "Traceback" not in html
    reference = re.search(r'class="reference" dir="ltr">([0-9a-f]{12})<', html).group(1)
    logged = [record for record in caplog.records if record.name == "kafaat.errors"]
    assert reference in logged[0].getMessage() and logged[0].exc_info[0] is RuntimeError


def test_a_form_without_its_csrf_token_gets_an_explanation_in_the_readers_language(world):
    client = Client(enforce_csrf_checks=True)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = client.post("/login/", {"username": "caseworker_a", "password": "x"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "انتهت صلاحية هذا النموذج" in html and "CSRF verification" not in html
