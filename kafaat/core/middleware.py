"""Language choice and audit context."""

from django.conf import settings
from django.utils import translation

from kafaat.core import audit, denials

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

    def process_exception(self, request, exception):
        # A refused look-up or action raised by the view: recorded here, once, then answered as usual.
        denials.record_refusal(getattr(request, "user", None), exception)
        return None
