"""The project's URLs plus one view that fails, to see the 500 page a person gets."""

from django.urls import path

from kafaat.urls import handler400, handler500, urlpatterns  # noqa: F401 — Django reads the handlers here


def failing_view(request):
    raise RuntimeError("a bug")


urlpatterns = [*urlpatterns, path("failing/", failing_view)]
