from django.urls import path

from kafaat.core import views
from kafaat.core.jobs import views as views_jobs

app_name = "core"

urlpatterns = [
    path("territories/", views.territories, name="territories"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/manage/", views.organisation_manage, name="organisation_manage"),
    path(
        "organisations/<int:pk>/manage/members/<int:membership_pk>/deactivate/",
        views.membership_deactivate,
        name="membership_deactivate",
    ),
    path("audit/", views.audit_log, name="audit"),
    path("jobs/", views_jobs.jobs_page, name="jobs"),
    path("jobs/<uuid:pk>/retry/", views_jobs.job_retry, name="job_retry"),
    path("account/tokens/", views.api_tokens, name="api_tokens"),
    path("account/tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
