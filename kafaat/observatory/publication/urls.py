"""/open-data/: public pages (no log-in) for published packages; /open-data/publish/ for analysts."""

from django.urls import path

from kafaat.observatory.publication import views

app_name = "open_data"
urlpatterns = [
    path("", views.index, name="index"),
    path("publish/", views.publish, name="publish"),
    path("publish/<uuid:job_id>/", views.publish_job, name="publish_job"),
    path("<str:code>/<int:year>/latest/", views.latest, name="latest"),
    path("<str:code>/<int:year>/v<int:version>/", views.detail, name="detail"),
    path("<str:code>/<int:year>/v<int:version>/<str:name>", views.download, name="download"),
]
