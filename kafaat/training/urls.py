from django.urls import path

from kafaat.training import views, views_import

app_name = "training"

urlpatterns = [
    path("", views.establishments, name="establishments"),
    path("new/", views.establishment_create, name="establishment_create"),
    path("<int:pk>/", views.establishment_detail, name="establishment"),
    path("<int:pk>/edit/", views.establishment_edit, name="establishment_edit"),
    path("<int:pk>/programmes/new/", views.programme_create, name="programme_create"),
    path("<int:pk>/mappings/", views.map_label, name="map_label"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("import/", views_import.upload, name="import"),
    path("import/<uuid:job_id>/", views_import.job, name="import_job"),
    path("import/<uuid:job_id>/errors.xlsx", views_import.error_report, name="import_errors"),
    path("import/template/<str:language>/", views_import.template, name="import_template"),
    path("derive/", views_import.derive, name="derive"),
    path("derive/<uuid:job_id>/", views_import.derive_job, name="derive_job"),
]
