from django.urls import path

from kafaat.grants.pages.applying import views

urlpatterns = [
    path("calls/", views.call_list, name="calls"),
    path("calls/new/", views.call_new, name="call_new"),
    path("calls/<int:pk>/", views.call, name="call"),
    path("calls/<int:pk>/edit/", views.call_edit, name="call_edit"),
    path("calls/<int:pk>/lots/", views.add_lot, name="add_lot"),
    path("calls/<int:pk>/eligibility/", views.add_eligibility, name="add_eligibility"),
    path("calls/<int:pk>/sections/", views.add_section, name="add_section"),
    path("calls/<int:pk>/grid/seed/", views.seed_grid, name="seed_grid"),
    path("calls/<int:pk>/reviewers/", views.set_reviewers, name="set_reviewers"),
    path("calls/<int:pk>/publish/", views.publish, name="publish_call"),
    path("calls/<int:pk>/close/", views.close, name="close_call"),
    path("calls/<int:pk>/invite/", views.invite, name="invite"),
    path("calls/<int:pk>/register/", views.register, name="register"),
    path("calls/<int:pk>/apply/", views.start, name="start_application"),
    path("sections/<int:pk>/criteria/", views.add_criterion, name="add_criterion"),
    path("setup/<slug:kind>/<int:pk>/delete/", views.delete_item, name="delete_item"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("applications/<int:pk>/details/", views.save_details, name="save_details"),
    path("applications/<int:pk>/target-groups/", views.save_target_groups, name="save_target_groups"),
    path("applications/<int:pk>/contributions/", views.save_contributions, name="save_contributions"),
    path("applications/<int:pk>/budget/", views.save_budget, name="save_budget"),
    path("applications/<int:pk>/documents/", views.add_document, name="add_document"),
    path("documents/<int:pk>/", views.download_document, name="document"),
    path("documents/<int:pk>/delete/", views.delete_document, name="delete_document"),
    path(
        "applications/<int:pk>/transitions/<slug:name>/", views.take_transition, name="application_transition"
    ),
]
