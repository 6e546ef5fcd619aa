from django.conf import settings

from kafaat.core.pages.navigation import menu_for_page


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    return {
        "nav_menu": menu_for_page(user, request.path) if getattr(user, "is_authenticated", False) else [],
        "kafaat_languages": settings.LANGUAGES,
        "login_cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
