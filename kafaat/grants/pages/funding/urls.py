from django.urls import path

from kafaat.grants.pages.funding import views

urlpatterns = [
    path("agreements/", views.agreements, name="agreements"),
    path("my-grants/", views.my_grants, name="my_grants"),
    path("figures/", views.figures, name="figures"),
    path("figures/<slug:code>/iati.xml", views.iati_xml, name="grants_iati_xml"),
    path("applications/<int:pk>/agreement/", views.new_agreement, name="new_agreement"),
    path("agreements/<int:pk>/", views.agreement, name="agreement"),
    path("agreements/<int:pk>/sign/", views.sign, name="sign_agreement"),
    path("agreements/<int:pk>/close/", views.close, name="close_agreement"),
    path("agreements/<int:pk>/beneficiaries/", views.add_beneficiary, name="add_beneficiary"),
    path("tranches/<int:pk>/release/", views.release, name="release_tranche"),
    path("tranches/<int:pk>/payments/", views.pay, name="pay_tranche"),
    path("reports/<int:pk>/", views.report, name="report"),
    path("reports/<int:pk>/submit/", views.submit, name="submit_report"),
    path("reports/<int:pk>/review/", views.review, name="review_report"),
]
