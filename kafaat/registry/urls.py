from django.urls import path

from kafaat.registry.views import exports, imports, people

app_name = "registry"

urlpatterns = [
    path("", people.search, name="search"),
    path("new/", people.register, name="register"),
    path("<int:pk>/", people.detail, name="detail"),
    path("<int:pk>/edit/", people.edit, name="edit"),
    path("<int:pk>/consents/", people.consent_add, name="consent_add"),
    path("<int:pk>/consents/<int:consent_pk>/withdraw/", people.consent_withdraw, name="consent_withdraw"),
    path("export/", exports.export_people, name="export"),
    path("import/", imports.upload, name="import"),
    path("import/<uuid:job_id>/", imports.job, name="import_job"),
    path("import/<uuid:job_id>/errors.xlsx", imports.error_report, name="import_errors"),
    path("import/template/<str:kind>/<str:language>/", imports.template, name="import_template"),
]

from kafaat.registry.views import dedup  # noqa: E402  (deduplication pages)

urlpatterns += [
    path("duplicates/", dedup.review, name="review"),
    path("duplicates/<int:pk>/decide/", dedup.review_decide, name="review_decide"),
    path("duplicates/merges/<int:pk>/undo/", dedup.merge_undo, name="merge_undo"),
    path("duplicates/run/", dedup.run_start, name="dedupe_run"),
    path("duplicates/run/status/", dedup.run_status, name="dedupe_run_status"),
    path("duplicates/thresholds/", dedup.thresholds, name="dedupe_thresholds"),
    path("new/matches/", dedup.likely_matches, name="likely_matches"),
    path("dedupe-file/", dedup.dedupe_upload, name="dedupe_file"),
    path("dedupe-file/<str:job_id>/", dedup.dedupe_job, name="dedupe_file_job"),
    path("dedupe-file/<str:job_id>/clusters.csv", dedup.dedupe_download, name="dedupe_file_download"),
]
