from kafaat.grants.pages.applying.urls import urlpatterns as applying
from kafaat.grants.pages.funding.urls import urlpatterns as funding
from kafaat.grants.pages.reviewing.urls import urlpatterns as reviewing

app_name = "grants"
urlpatterns = [*applying, *reviewing, *funding]
