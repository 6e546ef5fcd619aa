"""The administrators' home panels and the manager's failures: accounts and lockouts, jobs, denials, each in
the reader's scope (an organisation's administrator sees their members only, a national one everyone)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from kafaat.core import jobs, services
from kafaat.core.models import AuditEvent, ImportJob, Job
from kafaat.core.pages import core_panels


def _lock_out(username: str) -> None:
    AccessAttempt.objects.create(
        username=username, ip_address="203.0.113.9", user_agent="test", http_accept="*/*",
        path_info="/login/", get_data="", post_data="", failures_since_start=settings.AXES_FAILURE_LIMIT,
    )  # fmt: skip


def _denials(user, count: int, *, hours_ago: int = 1) -> None:
    at = timezone.now() - timedelta(hours=hours_ago)
    AuditEvent.objects.bulk_create(
        AuditEvent(at=at, actor=user, actor_username=user.username, action=AuditEvent.Action.DENIED)
        for _ in range(count)
    )


def test_an_organisation_administrator_counts_their_members_and_sees_only_their_locked_accounts(world):
    users = world["users"]
    _lock_out("caseworker_a")
    _lock_out("caseworker_b")  # another organisation's member: not admin A's business
    figures = services.accounts_overview(users["admin_a"])
    assert (figures.active, figures.new, figures.without_role) == (2, 2, None)
    assert figures.locked == ["caseworker_a"] and figures.locked_count == 1
    assert figures.organisation == world["ngo_a"]


def test_a_national_administrator_counts_every_account_and_every_lockout(world, django_user_model):
    _lock_out("caseworker_a")
    _lock_out("someone-who-does-not-exist")  # a guessed name locks too: the national view shows it
    figures = services.accounts_overview(world["users"]["superuser"])
    assert figures.active == django_user_model.objects.filter(is_active=True).count()
    assert figures.without_role == 1  # "nobody": an account no organisation has given a role
    assert figures.locked == ["caseworker_a", "someone-who-does-not-exist"]


def test_a_lock_that_has_expired_is_not_counted(world):
    _lock_out("caseworker_a")
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    )
    assert services.accounts_overview(world["users"]["admin_a"]).locked_count == 0


def test_real_failed_sign_ins_show_as_a_locked_account(client, world):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "caseworker_a", "password": f"wrong-{attempt}"})
    assert services.accounts_overview(world["users"]["admin_a"]).locked == ["caseworker_a"]


def test_users_refused_many_times_in_a_day_are_pointed_out_within_the_reader_s_audit_scope(world):
    users = world["users"]
    _denials(users["caseworker_a"], services.DENIALS_ALERT)
    _denials(users["caseworker_b"], services.DENIALS_ALERT + 2)
    _denials(users["admin_a"], services.DENIALS_ALERT - 1)  # below the alert
    _denials(users["admin_a"], 20, hours_ago=30)  # older than a day
    assert services.denial_alerts(users["admin_a"]) == [services.DenialAlert("caseworker_a", 10)]
    national = services.denial_alerts(users["superuser"])
    assert [(a.username, a.count) for a in national] == [("caseworker_b", 12), ("caseworker_a", 10)]


@pytest.mark.parametrize("username", ["caseworker_a", "manager", "analyst_oriental", "donor", "nobody"])
def test_no_administrator_figures_for_other_roles(world, username):
    user = world["users"][username]
    assert services.accounts_overview(user) is None
    assert services.denial_alerts(user) is None
    assert jobs.jobs_overview(user) is None


def test_failed_jobs_are_counted_for_the_organisation_s_administrators_and_nationally(world):
    old = timezone.now() - timedelta(days=jobs.queue.FAILURE_DAYS + 1)
    ngo_a, ngo_b = world["ngo_a"], world["ngo_b"]
    Job.objects.create(kind="registry.import", organisation=ngo_a, status=Job.Status.FAILED, message="boom")
    Job.objects.create(kind="registry.import", organisation=ngo_b, status=Job.Status.FAILED)
    Job.objects.create(kind="observatory.refresh", status=Job.Status.FAILED)  # national
    Job.objects.create(kind="registry.import", organisation=ngo_a, status=Job.Status.QUEUED)
    stale = Job.objects.create(kind="registry.import", organisation=ngo_a, status=Job.Status.FAILED)
    Job.objects.filter(pk=stale.pk).update(created_at=old)
    mine = jobs.jobs_overview(world["users"]["admin_a"])
    assert (mine.failed_count, mine.waiting, mine.running, mine.workers) == (1, 1, 0, 0)
    assert [job.message for job in mine.failed] == ["boom"]
    national = jobs.jobs_overview(world["users"]["superuser"])
    assert (national.failed_count, national.waiting) == (3, 1)


def test_a_manager_sees_their_own_failed_imports_and_jobs_with_links(world):
    manager, worker = world["users"]["manager"], world["users"]["caseworker_a"]
    rejected = ImportJob.objects.create(
        user=manager, organisation=world["agency"], kind="people", file_name="inscrits.xlsx",
        status=ImportJob.Status.REJECTED,
    )  # fmt: skip
    ImportJob.objects.create(user=manager, organisation=world["agency"], kind="people", file_name="ok.xlsx",
                             status=ImportJob.Status.DONE)  # fmt: skip
    ImportJob.objects.create(user=worker, organisation=world["ngo_a"], kind="people", file_name="autre.xlsx",
                             status=ImportJob.Status.FAILED)  # fmt: skip
    refresh = Job.objects.create(kind="observatory.refresh", user=manager, status=Job.Status.FAILED)
    rows = {row.what: row for row in core_panels.failures(manager)}
    assert set(rows) == {"inscrits.xlsx", jobs.label_of(refresh)}
    assert rows["inscrits.xlsx"].link == reverse("registry:import_job", args=[rejected.pk])
    assert "autre.xlsx" not in rows  # another user's import: its page is theirs alone
    assert core_panels.failures(worker)[0].what == "autre.xlsx"
