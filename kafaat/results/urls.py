from django.urls import path

from kafaat.results import views

app_name = "results"
urlpatterns = [
    path("", views.projects, name="projects"),
    path("<slug:code>/", views.dashboard, name="dashboard"),
    path("<slug:code>/summary/", views.summary, name="summary"),
    path("<slug:code>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("<slug:code>/iati.xml", views.iati_xml, name="iati_xml"),
    path("<slug:code>/funnel/", views.funnel, name="funnel"),
    path("<slug:code>/indicators/<str:indicator_code>/", views.indicator, name="indicator"),
    path(
        "<slug:code>/indicators/<str:indicator_code>/values/", views.manual_value_add, name="manual_value_add"
    ),
    path("<slug:code>/logframe/", views.logframe, name="logframe"),
    path("<slug:code>/logframe/nodes/", views.node_add, name="node_add"),
    path("<slug:code>/logframe/nodes/<int:pk>/delete/", views.node_delete, name="node_delete"),
    path("<slug:code>/logframe/nodes/<int:pk>/edit/", views.node_edit, name="node_edit"),
    path("<slug:code>/logframe/nodes/<int:pk>/move/", views.node_move, name="node_move"),
    path("<slug:code>/logframe/indicators/", views.indicator_add, name="indicator_add"),
    path("<slug:code>/logframe/indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("<slug:code>/logframe/indicators/<int:pk>/move/", views.indicator_move, name="indicator_move"),
    path("<slug:code>/logframe/indicators/<int:pk>/delete/", views.indicator_delete, name="indicator_delete"),
    path("<slug:code>/logframe/targets/", views.target_set, name="target_set"),
]
