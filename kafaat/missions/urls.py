from django.urls import path

from kafaat.missions import views

app_name = "missions"

urlpatterns = [
    path("", views.mission_list, name="list"),
    path("new/", views.mission_create, name="create"),
    path("rollup/", views.rollup_page, name="rollup"),
    path("rollup.xlsx", views.rollup_export, name="rollup_export"),
    path("<int:pk>/", views.mission_detail, name="detail"),
    path("<int:pk>/edit/", views.mission_edit, name="edit"),
    path("<int:pk>/report/", views.mission_report, name="report"),
    path("<int:pk>/steps/<slug:name>/", views.mission_transition, name="transition"),
]
