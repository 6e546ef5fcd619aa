"""The review's pages, under /grants/review/ (URL names `grants:review_…`)."""

from django.urls import path

from kafaat.grants.pages.reviewing import views

urlpatterns = [
    path("review/", views.calls, name="review_calls"),
    path("review/queue/", views.queue, name="review_queue"),
    path("review/calls/<int:pk>/", views.call_review, name="review_call"),
    path("review/calls/<int:pk>/screening/", views.screening_list, name="review_screening"),
    path("review/calls/<int:pk>/assignments/", views.assignments, name="review_assignments"),
    path("review/calls/<int:pk>/assign/", views.assign, name="review_assign"),
    path("review/calls/<int:pk>/ranking/", views.ranking_page, name="review_ranking"),
    path("review/calls/<int:pk>/decisions/", views.decide_bulk, name="review_decide_bulk"),
    path("review/applications/<int:pk>/screening/", views.screen, name="review_screen"),
    path("review/applications/<int:pk>/decision/", views.decide, name="review_decide"),
    path("review/documents/<int:pk>/check/", views.check_document, name="review_check_document"),
    path("review/assignments/<int:pk>/", views.review, name="review_assignment"),
    path("review/assignments/<int:pk>/declare/", views.declare, name="review_declare"),
    path("review/assignments/<int:pk>/withdraw/", views.withdraw, name="review_withdraw"),
    path("review/decisions/<int:pk>/letter.pdf", views.letter, name="review_letter"),
    path("review/decisions/<int:pk>/send/", views.send_letter, name="review_send_letter"),
]
