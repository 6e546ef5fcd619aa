"""Language choice and audit context."""

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext

from kafaat.core import audit

_SUPPORTED = {code for code, _name in settings.LANGUAGES}


def language_of(request) -> str:
    """The language the person chose (cookie), else French: the browser's language is not a choice."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in _SUPPORTED else settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_of(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class ApiQueryOnceMiddleware:
    """An API query parameter sent twice is refused (400): no operation takes a list in the query, and taking
    the last value silently (Django's QueryDict) hides the caller's mistake."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            repeated = sorted(name for name, values in request.GET.lists() if len(values) > 1)
            if repeated:
                message = gettext("Send each query parameter once: %(names)s.")
                return JsonResponse({"detail": message % {"names": ", ".join(repeated)}}, status=400)
        return self.get_response(request)


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = audit.set_request_context(
            audit.RequestContext(ip_address=request.META.get("REMOTE_ADDR"), path=request.get_full_path())
        )
        try:
            return self.get_response(request)
        finally:
            audit.reset_request_context(token)
