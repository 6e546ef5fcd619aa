"""Language choice, the client's address and the audit context."""

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext

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


def client_address(request) -> str | None:
    """The address of whoever sent the request, through the reverse proxies the deployment declares.

    Behind `KAFAAT_PROXY_COUNT` proxies, REMOTE_ADDR is the nearest proxy and each proxy appends the address
    it saw to X-Forwarded-For: the client is that many entries from the right. Entries further left are
    written by the client itself and are never trusted. The login lockout and the audit log both use this.
    """
    proxies = settings.KAFAAT_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


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
            audit.RequestContext(ip_address=client_address(request), path=request.get_full_path())
        )
        try:
            return self.get_response(request)
        finally:
            audit.reset_request_context(token)

    def process_exception(self, request, exception):
        # A refused look-up or action raised by the view: recorded here, once, then answered as usual.
        denials.record_refusal(getattr(request, "user", None), exception)
        return None
