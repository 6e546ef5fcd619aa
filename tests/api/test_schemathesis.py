"""Schemathesis over every API operation, as a case worker and as an organisation's administrator.

Bounded for CI (ADR "schemathesis"): a fixed number of examples per operation, derandomised, no example
database, so a run is reproducible and takes about a minute per database leg on two cores. Every generated
request is sent with each user's bearer token and checked by every check Schemathesis has: no 5xx, status
codes, content types, headers and bodies as documented, schema-violating input refused, schema-valid input
accepted (or refused by a business rule: 400), requests without a valid token refused.
"""

import json
from datetime import date, timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks

from kafaat.api import api
from kafaat.core.models import Project
from kafaat.core.services import issue_api_token

EXAMPLES_PER_OPERATION = 10
load_all_checks()
ALL_CHECKS = list(CHECKS.get_all())

CONFIG = schemathesis.Config.from_dict(
    {
        # The test sends the tokens; a declared header keeps Schemathesis from generating (and mutating) one.
        "headers": {"Authorization": "Bearer set-by-the-test"},
        "checks": {
            # 400 is the API's refusal by a business rule (an unknown code, a date in the future…) of
            # input the schema cannot express; 422 stays a failure: schema-valid input is never malformed.
            "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404", "409"]},
        },
    }
)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=CONFIG)
schema.app = get_wsgi_application()


@pytest.fixture
def bearers(world) -> list[dict[str, str]]:
    """A record of each kind the generated ids may hit, then the two users' tokens."""
    project = Project.objects.create(code="kafaat-fuzz", name_fr="Projet", start_date=date(2025, 1, 1))
    project.participants.set([world["ngo_a"], world["ngo_b"]])
    users = [world["users"][name] for name in ("caseworker_a", "admin_a")]
    headers = [{"Authorization": f"Bearer {issue_api_token(user, 'fuzz').key}"} for user in users]
    client, today = Client(), timezone.localdate()

    def post(url: str, body: dict) -> dict:
        response = client.post(url, json.dumps(body), content_type="application/json", **_wsgi(headers[0]))
        assert response.status_code == 201, response.content
        return response.json()

    person = post(
        "/api/people",
        {"first_name_latin": "Salma", "last_name_latin": "Bennani", "sex": "F", "age": 20,
         "commune": "COM_0610", "consent_given_on": (today - timedelta(days=90)).isoformat()},
    )  # fmt: skip
    post(f"/api/people/{person['id']}/steps", {"kind": "intake", "project": project.code,
                                               "date": (today - timedelta(days=60)).isoformat()})  # fmt: skip
    employer = post("/api/labour/employers", {"name": "Atlas SARL", "territory": "02.411"})
    vacancy = {"employer": employer["id"], "title": "Couturière", "posted_on": "2026-01-05"}
    post("/api/labour/vacancies", vacancy)
    return headers


@pytest.fixture
def tokens(bearers):
    """The tokens, once the records are made. The WSGI app runs in the test's thread and transaction: keep
    Django from closing that connection at the end of each request (PostgreSQL: the test's transaction
    would be lost), as its own test client does; after that client's last request, which reconnects it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield bearers
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _wsgi(headers: dict[str, str]) -> dict[str, str]:
    return {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}


@pytest.mark.schemathesis
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_holds_under_generated_input(case, tokens):
    # Malformed input is refused before any role is looked at: one user is enough for it (half the time).
    negative = case.meta is not None and case.meta.generation.mode.is_negative
    for headers in tokens[:1] if negative else tokens:
        case.call_and_validate(headers=headers, checks=ALL_CHECKS)
