from django.urls import include, path

app_name = "events"

urlpatterns = [
    path("", include("kafaat.events.urls_documents")),
]
