"""The grants pages of the applying part (urls.py); `ready()` registers its menus and home panels."""


def ready() -> None:
    """Called once from GrantsConfig.ready."""
