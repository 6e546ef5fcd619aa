"""The JSON API root: django-ninja at /api/, session or bearer-token authentication, errors as 4xx JSON."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.security import HttpBearer, SessionAuth

from kafaat.core import services
from kafaat.core.api import router as core_router
from kafaat.core.denials import record_refusal
from kafaat.labour.api import router as labour_router
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


api = NinjaAPI(
    title="Kafaat API",
    version="1",
    description=(
        "Typed JSON API of Kafaat. Authenticate with the session cookie or `Authorization: Bearer <token>`."
    ),
    auth=[SessionAuth(), TokenAuth()],
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    record_refusal(request.user, exc)
    return api.create_response(request, {"detail": "You do not have permission to do this."}, status=403)


@api.exception_handler(Http404)
def _not_found(request, exc):
    record_refusal(request.user, exc)  # only a scoped look-up's 404 is a refusal
    return api.create_response(request, {"detail": "Not found."}, status=404)


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
api.add_router("/", open_data_router)
api.add_router("/", observatory_router)
