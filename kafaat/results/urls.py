from django.urls import path

from kafaat.results import views

app_name = "results"
urlpatterns = [
    path("", views.projects, name="projects"),
]
