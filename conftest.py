"""Fixtures shared by every app's tests: organisations in different territories and a member per role."""

from __future__ import annotations

import pytest

from kafaat.core.models import Membership, Organisation, Role, Territory
from kafaat.core.territories import load_territories


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate limits count in the cache (the matches panel): one test's queries must not count in the next.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _jobs_run_inside_the_request(settings):
    # No worker for every test: django-tasks' immediate backend runs a queued job before `enqueue` returns.
    # The tests of the worker itself (kafaat/core/tests/test_worker.py) put the database queue back.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 is meant to be slow; tests create many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reference_territories(db):
    """The tree the data migration loads; transactional tests (live server) flush it, so reload it then."""
    if not Territory.objects.exists():
        load_territories(Territory)


@pytest.fixture
def territory(reference_territories):
    def get(code: str) -> Territory:
        return Territory.objects.get(code=code)

    return get


@pytest.fixture
def make_organisation(db, territory):
    def make(code: str, territory_code: str, type: str = Organisation.Type.NGO, **fields) -> Organisation:
        return Organisation.objects.create(
            code=code,
            type=type,
            territory=territory(territory_code),
            name_fr=fields.pop("name_fr", f"Organisation {code}"),
            name_ar=fields.pop("name_ar", f"منظمة {code}"),
            name_en=fields.pop("name_en", f"Organisation {code}"),
            **fields,
        )

    return make


@pytest.fixture
def make_member(db, django_user_model, territory):
    def make(
        username: str, organisation: Organisation | None, role: str | None = None, scope: str | None = None
    ):
        user = django_user_model.objects.create_user(username=username, password="A-long-test-password-1")
        if organisation is not None:
            Membership.objects.create(
                user=user,
                organisation=organisation,
                role=role or Role.CASE_WORKER,
                territory_scope=territory(scope) if scope else None,
            )
        return user

    return make


@pytest.fixture
def world(make_organisation, make_member, django_user_model):
    """Two NGOs in two regions, a training provider, and one member for every role."""
    ngo_a = make_organisation("ngo-a-oujda", "02.411")  # Oujda-Angad, Oriental
    ngo_b = make_organisation("ngo-b-tanger", "01.511")  # Tanger-Assilah, Tanger-Tétouan-Al Hoceima
    provider = make_organisation("provider-nador", "02.381", type=Organisation.Type.TRAINING_PROVIDER)
    agency = make_organisation("agency-rabat", "04.421", type=Organisation.Type.IMPLEMENTING_AGENCY)
    donor = make_organisation("donor-rabat", "04.421", type=Organisation.Type.DONOR)
    users = {
        "admin_a": make_member("admin_a", ngo_a, Role.ADMINISTRATOR),
        "caseworker_a": make_member("caseworker_a", ngo_a, Role.CASE_WORKER),
        "caseworker_b": make_member("caseworker_b", ngo_b, Role.CASE_WORKER),
        "manager": make_member("manager", agency, Role.PROGRAMME_MANAGER),
        "analyst_oriental": make_member("analyst_oriental", agency, Role.ANALYST, scope="MA-02"),
        "reviewer": make_member("reviewer", agency, Role.GRANT_REVIEWER),
        "establishment": make_member("establishment", provider, Role.ESTABLISHMENT_MANAGER),
        "donor": make_member("donor", donor, Role.DONOR_VIEWER),
        "nobody": make_member("nobody", None),
        "superuser": django_user_model.objects.create_superuser(
            "national", password="A-long-test-password-1"
        ),
    }
    return {
        "ngo_a": ngo_a,
        "ngo_b": ngo_b,
        "provider": provider,
        "agency": agency,
        "donor": donor,
        "users": users,
    }


def pytest_sessionstart(session):
    # Pages are tested as they render from the committed .po files, never from stale binaries.
    from django.core.management import call_command

    call_command("compiletranslations", verbosity=0)
