from django.conf import settings

from kafaat.core.pages.navigation import visible_items


def navigation(request) -> dict:
    return {
        "nav_items": visible_items(getattr(request, "user", None)),
        "kafaat_languages": settings.LANGUAGES,
        "login_cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
