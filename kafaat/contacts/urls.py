from django.urls import path

from kafaat.contacts import views

app_name = "contacts"

urlpatterns = [
    path("", views.directory, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("<int:pk>/person/", views.link_person, name="link_person"),
    path("import/", views.upload, name="import"),
    path("import/<uuid:job_id>/", views.import_job, name="import_job"),
    path("import/<uuid:job_id>/errors.xlsx", views.import_errors, name="import_errors"),
    path("import/template/<str:language>/", views.import_template, name="import_template"),
]
