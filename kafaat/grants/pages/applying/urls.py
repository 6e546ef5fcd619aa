from django.urls import path

from kafaat.grants.pages.applying import applicants, applications, calls

urlpatterns = [
    path("calls/", calls.call_list, name="calls"),
    path("calls/new/", calls.call_new, name="call_new"),
    path("calls/<int:pk>/", calls.call, name="call"),
    path("calls/<int:pk>/edit/", calls.call_edit, name="call_edit"),
    path("calls/<int:pk>/lots/", calls.add_lot, name="add_lot"),
    path("calls/<int:pk>/eligibility/", calls.add_eligibility, name="add_eligibility"),
    path("calls/<int:pk>/sections/", calls.add_section, name="add_section"),
    path("calls/<int:pk>/grid/seed/", calls.seed_grid, name="seed_grid"),
    path("calls/<int:pk>/reviewers/", calls.set_reviewers, name="set_reviewers"),
    path("calls/<int:pk>/publish/", calls.publish, name="publish_call"),
    path("calls/<int:pk>/close/", calls.close, name="close_call"),
    path("calls/<int:pk>/invite/", calls.invite, name="invite"),
    path("calls/<int:pk>/register/", applicants.register, name="register"),
    path("calls/<int:pk>/apply/", applications.start, name="start_application"),
    path("sections/<int:pk>/criteria/", calls.add_criterion, name="add_criterion"),
    path("setup/<slug:kind>/<int:pk>/delete/", calls.delete_item, name="delete_item"),
    path("invitations/<str:token>/", applicants.invitation, name="invitation"),
    path("applications/", applications.application_list, name="applications"),
    path("applications/<int:pk>/", applications.application, name="application"),
    path("applications/<int:pk>/details/", applications.save_details, name="save_details"),
    path("applications/<int:pk>/target-groups/", applications.save_target_groups, name="save_target_groups"),
    path("applications/<int:pk>/contributions/", applications.save_contributions, name="save_contributions"),
    path("applications/<int:pk>/budget/", applications.save_budget, name="save_budget"),
    path("applications/<int:pk>/documents/", applications.add_document, name="add_document"),
    path("documents/<int:pk>/", applications.download_document, name="document"),
    path("documents/<int:pk>/delete/", applications.delete_document, name="delete_document"),
    path(
        "applications/<int:pk>/transitions/<slug:name>/",
        applications.take_transition,
        name="application_transition",
    ),
]
