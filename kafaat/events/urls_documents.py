"""Addresses of an event's documents, scores and survey, and the trainers page (included by events.urls)."""

from django.urls import path

from kafaat.events.pages import documents as views

urlpatterns = [
    path("<int:pk>/documents/", views.documents, name="documents"),
    path("<int:pk>/documents/sign-in-sheet.pdf", views.sign_in_sheet, name="documents_sign_in_sheet"),
    path("<int:pk>/documents/badges.pdf", views.badges, name="documents_badges"),
    path("<int:pk>/documents/certificates/<int:registration_id>.pdf", views.certificate,
         name="documents_certificate"),
    path("<int:pk>/documents/certificates/issue/", views.issue_all, name="documents_issue_all"),
    path("<int:pk>/documents/completions/<int:registration_id>/", views.certify, name="documents_certify"),
    path("documents/certificates/<uuid:job_id>/", views.certificates_job, name="documents_certificates_job"),
    path("documents/certificates/<uuid:job_id>/certificates.pdf", views.certificates_job_file,
         name="documents_certificates_file"),
    path("<int:pk>/scores/", views.scores_grid, name="documents_scores"),
    path("<int:pk>/survey/", views.survey, name="documents_survey"),
    path("<int:pk>/summary/", views.summary, name="documents_summary"),
    path("<int:pk>/import/<str:kind>/", views.upload, name="documents_import"),
    path("documents/imports/<uuid:job_id>/", views.import_job, name="documents_import_job"),
    path("documents/templates/<str:kind>/<str:language>.xlsx", views.import_template,
         name="documents_import_template"),
    path("trainers/", views.trainers_page, name="trainers"),
]  # fmt: skip
