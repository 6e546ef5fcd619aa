from django.urls import path

from kafaat.observatory import views
from kafaat.observatory.dashboard import views as views_dashboard

app_name = "observatory"
urlpatterns = [
    path("", views_dashboard.regional_dashboard, name="dashboard"),
    path("chart/<str:which>/", views_dashboard.dashboard_chart, name="dashboard_chart"),
    path("export/<str:name>.<str:fmt>", views_dashboard.dashboard_export, name="dashboard_export"),
    path("warehouse/", views.warehouse, name="warehouse"),
    path("warehouse/refresh/", views.refresh, name="refresh"),
]
