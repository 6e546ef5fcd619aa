"""The grants pages of the reviewing part (urls.py); `ready()` registers its menus and home panels."""


def ready() -> None:
    """Called once from GrantsConfig.ready."""
    from kafaat.grants.pages.reviewing import home

    home.register()
