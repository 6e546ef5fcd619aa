from django.urls import path

from kafaat.observatory import views

app_name = "observatory"
urlpatterns = [
    path("", views.regional_dashboard, name="dashboard"),
    path("warehouse/", views.warehouse, name="warehouse"),
    path("warehouse/refresh/", views.refresh, name="refresh"),
]
