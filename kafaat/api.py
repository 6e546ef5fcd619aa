"""The JSON API root: django-ninja at /api/, session or bearer-token authentication, errors as 4xx JSON."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from kafaat.contacts.api import router as contacts_router
from kafaat.core import services
from kafaat.core.api import router as core_router
from kafaat.core.api_schema import Error
from kafaat.core.denials import record_refusal
from kafaat.events.api import router as events_router
from kafaat.events.api_documents import router as event_documents_router
from kafaat.governance.api import router as governance_router
from kafaat.grants.api import router as grants_router
from kafaat.labour.api import router as labour_router
from kafaat.missions.api import router as missions_router
from kafaat.observatory.api import router as observatory_router
from kafaat.observatory.publication.api import router as open_data_router
from kafaat.pathways.api import router as pathways_router
from kafaat.registry.api import router as registry_router
from kafaat.results.api import router as results_router
from kafaat.training.api import router as training_router


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        user = services.user_for_api_key(token)
        if user is not None:
            request.user = user  # so that services and the audit log see who is calling
        return user


class CookieSessionAuth(APIKeyCookie):
    """The browser's session, with Django's CSRF check on unsafe methods — for cookie sessions only.

    ninja's SessionAuth checks CSRF before it knows who is calling, so a bearer-token write (no cookie, no
    CSRF token: a script cannot have one) and an anonymous write both got "403 CSRF check Failed". Here a
    request with a bearer token is the token's to decide (an invalid token does not fall back on the cookie),
    an anonymous one gets 401, and only a signed-in session must pass the CSRF check.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key: str | None):
        bearer = request.headers.get("Authorization", "").lower().startswith("bearer ")
        if bearer or not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, gettext("CSRF check failed: reload the page and try again."))
        return request.user


# What any operation may answer besides its own: bad input (400, 422), no or a bad token (401), a role that
# may not (403), out of scope (404). Declared once here so that the published schema tells clients the truth.
ERROR_STATUSES = {
    "400": "Bad input: the message says which field and why",
    "401": "Not signed in, or the token is invalid, expired or revoked",
    "403": "Signed in, but the role may not do this (or the CSRF check failed)",
    "404": "No such object, or out of the caller's scope",
    "422": "The request does not match the operation's schema",
}


class KafaatAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema["components"].setdefault("schemas", {})["Error"] = Error.model_json_schema()
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, description in ERROR_STATUSES.items():
                    if status == "401" and not operation.get("security"):
                        continue  # public: never asks who is calling
                    operation["responses"].setdefault(status, {"description": description, "content": error})
        return schema


api = KafaatAPI(
    title="Kafaat API",
    version="1",
    description=(
        "Typed JSON API of Kafaat. Authenticate with the session cookie or `Authorization: Bearer <token>`."
    ),
    auth=[TokenAuth(), CookieSessionAuth()],
    urls_namespace="api",
)


@api.exception_handler(MultiPartParserError)
def _unreadable_body(request, exc):
    # A multipart body without its boundary, or broken: the CSRF check reads it before the view does.
    detail = gettext("The request body cannot be read: send JSON (Content-Type: application/json).")
    return api.create_response(request, {"detail": detail}, status=400)


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc):
    detail = gettext("Sign in, or send a valid API token (Authorization: Bearer …).")
    return api.create_response(request, {"detail": detail}, status=401)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    record_refusal(request.user, exc)
    detail = gettext("You do not have permission to do this.")
    return api.create_response(request, {"detail": detail}, status=403)


@api.exception_handler(Http404)
def _not_found(request, exc):
    record_refusal(request.user, exc)  # only a scoped look-up's 404 is a refusal
    return api.create_response(request, {"detail": gettext("Not found.")}, status=404)


def unknown_endpoint(request: HttpRequest) -> JsonResponse:
    """Any /api/ address no operation answers (a path id that is not a number…): JSON, like the API."""
    return JsonResponse({"detail": gettext("Not found.")}, status=404)


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": detail}, status=400)


api.add_router("/", core_router)
api.add_router("/", registry_router)
api.add_router("/", pathways_router)
api.add_router("/", results_router)
api.add_router("/", labour_router)
api.add_router("/", training_router)
api.add_router("/", events_router)
api.add_router("/", missions_router)
api.add_router("/", open_data_router)
api.add_router("/", observatory_router)
api.add_router("/", contacts_router)
api.add_router("/", governance_router)
api.add_router("/", event_documents_router)
api.add_router("/", grants_router)
