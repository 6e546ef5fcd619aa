from django.urls import path

from kafaat.governance import views

app_name = "governance"

urlpatterns = [
    path("", views.groups, name="groups"),
    path("<int:pk>/", views.group, name="group"),
    path("<int:pk>/members/", views.add_member, name="add_member"),
    path("members/<int:pk>/end/", views.end_member, name="end_member"),
    path("<int:pk>/meetings/", views.create_meeting, name="create_meeting"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/edit/", views.edit_meeting, name="edit_meeting"),
    path("meetings/<int:pk>/minutes/print/", views.minutes_print, name="minutes_print"),
    path("meetings/<int:pk>/transitions/<slug:name>/", views.meeting_transition, name="meeting_transition"),
    path("meetings/<int:pk>/agenda/", views.add_agenda_item, name="add_agenda_item"),
    path("meetings/<int:pk>/attendance/", views.record_attendance, name="record_attendance"),
    path("meetings/<int:pk>/minutes/", views.write_minutes, name="write_minutes"),
    path("meetings/<int:pk>/outcomes/", views.add_outcome, name="add_outcome"),
    path("actions/<int:pk>/transitions/<slug:name>/", views.action_transition, name="action_transition"),
]
