from django.urls import include, path

from kafaat.events.pages import check_in as views_checkin
from kafaat.events.pages import events as views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_create, name="create"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/edit/", views.event_edit, name="edit"),
    path("<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("<int:pk>/sessions/<int:session_pk>/edit/", views.session_edit, name="session_edit"),
    path("<int:pk>/sessions/<int:session_pk>/delete/", views.session_delete, name="session_delete"),
    path("<int:pk>/registrations/new/", views.registration_create, name="registration_create"),
    path(
        "<int:pk>/registrations/<int:registration_pk>/transition/",
        views.registration_transition,
        name="transition",
    ),
    path(
        "<int:pk>/registrations/<int:registration_pk>/attendance/",
        views.registration_attendance,
        name="attendance",
    ),
    path("<int:pk>/mail/", views.send_mail, name="mail"),
    path("<int:pk>/calendar.ics", views.calendar, name="calendar"),
    path("<int:pk>/participants.xlsx", views.registrants_export, name="export"),
    path("<int:pk>/check-in/", views_checkin.check_in_page, name="check_in"),
    path("sessions/<int:session_pk>/check-in/", views_checkin.check_in_scan, name="check_in_scan"),
    path("<int:pk>/sign-in/", views.sign_in_import, name="sign_in_import"),
    path("<int:pk>/sign-in/template.xlsx", views.sign_in_template, name="sign_in_template"),
    path("<int:pk>/sign-in/review/", views.reviews, name="reviews"),
    path("<int:pk>/sign-in/review/<int:review_pk>/", views.review_resolve, name="review_resolve"),
    path("imports/<uuid:job_id>/", views.import_job, name="import_job"),
    path("", include("kafaat.events.urls_documents")),
]
