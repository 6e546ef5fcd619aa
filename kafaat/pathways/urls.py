from django.urls import path

from kafaat.pathways import views

app_name = "pathways"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("referrals/", views.inbox, name="inbox"),
    path("referrals/<int:pk>/respond/", views.respond, name="respond"),
    path("people/<int:person_pk>/steps/new/", views.step_new, name="step_new"),
    path("steps/suggest/<str:field>/", views.suggest, name="suggest"),
]
