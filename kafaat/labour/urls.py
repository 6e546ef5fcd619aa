from django.urls import path

from kafaat.labour.views import imports as views_import
from kafaat.labour.views import surveys as views_surveys
from kafaat.labour.views import vacancies as views

app_name = "labour"

urlpatterns = [
    path("vacancies/", views.vacancies, name="vacancies"),
    path("vacancies/<int:pk>/", views.vacancy_detail, name="vacancy"),
    path("vacancies/<int:pk>/code/", views.code_vacancy, name="code_vacancy"),
    path("vacancies/coding/", views.coding_queue, name="coding_queue"),
    path("vacancies/import/", views_import.upload, name="import"),
    path("vacancies/import/<uuid:job_id>/", views_import.job, name="import_job"),
    path("vacancies/import/<uuid:job_id>/errors.xlsx", views_import.error_report, name="import_errors"),
    path("vacancies/import/template/<str:language>/", views_import.template, name="import_template"),
    path("employers/", views.employers, name="employers"),
    path("employers/new/", views.employer_new, name="employer_new"),
    path("employers/<int:pk>/", views.employer_detail, name="employer"),
    path("surveys/", views_surveys.surveys, name="surveys"),
    path("surveys/<int:pk>/respond/", views_surveys.respond, name="survey_respond"),
    path("surveys/<int:pk>/results/", views_surveys.results, name="survey_results"),
]
