from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import JavaScriptCatalog, set_language

from kafaat.api import api, unknown_endpoint
from kafaat.core import views as core_views


def _public(patterns):
    """The API answers 401 itself (session or token); the login redirect of the pages must not catch it."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _public(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            pattern.callback.login_required = False
    return patterns


api_patterns, api_app_name, api_namespace = api.urls

handler400 = "kafaat.core.serving.error_views.bad_request"
handler500 = "kafaat.core.serving.error_views.server_error"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("health/", core_views.health_check, name="health"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="core/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(template_name="core/password_change.html"),
        name="password_change",
    ),
    path(
        "account/password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="core/password_change_done.html"),
        name="password_change_done",
    ),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("i18n/js/", login_not_required(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    path("", include("kafaat.core.urls")),
    path("people/", include("kafaat.registry.urls")),
    path("", include("kafaat.pathways.urls")),
    path("observatory/", include("kafaat.observatory.urls")),
    path("open-data/", include("kafaat.observatory.publication.urls")),
    path("results/", include("kafaat.results.urls")),
    path("labour/", include("kafaat.labour.urls")),
    path("training/", include("kafaat.training.urls")),
    path("contacts/", include("kafaat.contacts.urls")),
    path("governance/", include("kafaat.governance.urls")),
    path("events/", include("kafaat.events.urls")),
    path("missions/", include("kafaat.missions.urls")),
    path("grants/", include("kafaat.grants.urls")),
    path("api/", (_public(api_patterns), api_app_name, api_namespace)),
    re_path(
        r"^api/", login_not_required(csrf_exempt(unknown_endpoint))
    ),  # JSON 404, not the HTML page (/api/people/x)
    path("admin/", admin.site.urls),
]
