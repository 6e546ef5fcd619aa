"""Login with lockout, logout, password change — and the audit trail of each."""

from django.conf import settings
from django.urls import reverse

from kafaat.core.models import AuditEvent

PASSWORD = "A-long-test-password-1"


def _login(client, username, password, **request):
    return client.post(reverse("login"), {"username": username, "password": password}, **request)


def test_login_succeeds_and_is_audited(client, world):
    response = _login(client, "caseworker_a", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert AuditEvent.objects.filter(action="login", actor_username="caseworker_a").count() == 1


def test_the_account_locks_after_the_failure_limit_even_with_the_right_password(client, world):
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(limit - 1):
        response = _login(client, "caseworker_a", f"wrong-{attempt}")
        assert response.status_code == 200  # the form again, with an error
    locked = _login(client, "caseworker_a", "wrong-last")
    assert locked.status_code == 429
    assert _login(client, "caseworker_a", PASSWORD).status_code == 429
    assert AuditEvent.objects.filter(action="login_failed", actor_username="caseworker_a").count() >= limit
    # Another account from the same address is not locked: offices share one public address.
    assert _login(client, "caseworker_b", PASSWORD).status_code == 302


def test_failures_from_one_address_do_not_lock_the_account_out_elsewhere(client, world):
    """Anyone may type a national administrator's user name: that must not lock the administrator out."""
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "admin_a", f"wrong-{attempt}", REMOTE_ADDR="203.0.113.9")
    assert _login(client, "admin_a", PASSWORD, REMOTE_ADDR="203.0.113.9").status_code == 429
    assert _login(client, "admin_a", PASSWORD, REMOTE_ADDR="198.51.100.20").status_code == 302
    failed = AuditEvent.objects.filter(action="login_failed", actor_username="admin_a")
    assert set(failed.values_list("ip_address", flat=True)) == {"203.0.113.9"}


def test_behind_a_declared_proxy_the_address_is_the_one_the_proxy_saw(client, world, settings):
    settings.KAFAAT_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # The client may write anything on the left of the header; the proxy appends what it saw.
        _login(
            client,
            "admin_a",
            f"wrong-{attempt}",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{attempt}, 203.0.113.9",
            **proxy,
        )
    assert _login(client, "admin_a", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy).status_code == 429
    # Another client behind the same proxy is not locked out.
    assert (
        _login(client, "admin_a", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.20", **proxy).status_code == 302
    )


def test_a_success_before_the_limit_resets_the_counter(client, world):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "caseworker_a", f"wrong-{attempt}")
    assert _login(client, "caseworker_a", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "caseworker_a", f"wrong-again-{attempt}")
    assert _login(client, "caseworker_a", PASSWORD).status_code == 302


def test_logout_ends_the_session(client, world):
    _login(client, "caseworker_a", PASSWORD)
    assert client.get(reverse("home")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor_username="caseworker_a").exists()


def test_password_change(client, world):
    user = world["users"]["caseworker_a"]
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Another-long-pass-2026",
            "new_password2": "Another-long-pass-2026",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Another-long-pass-2026")
    weak = client.post(
        reverse("password_change"),
        {"old_password": "Another-long-pass-2026", "new_password1": "123", "new_password2": "123"},
    )
    assert weak.status_code == 200 and weak.context["form"].errors


def test_the_home_page_tells_each_role_what_it_can_do(client, world):
    client.force_login(world["users"]["analyst_oriental"])
    client.cookies["kafaat_language"] = "en"
    page = client.get(reverse("home")).content.decode()
    assert "Analyst (aggregates only)" in page
    assert "no person&#x27;s record is ever shown to you" in page
    assert "Oriental" in page
    client.force_login(world["users"]["nobody"])
    assert "has no role in any organisation" in client.get(reverse("home")).content.decode()
