"""Published open-data packages: written once, never changed, never deleted.

A :class:`Publication` is one version of the package of a territory (a region, or the country) for a year;
its :class:`PublicationFile` rows give the name, size and SHA-256 of each file stored under
``settings.KAFAAT_OPEN_DATA_DIR``. Both refuse any change after creation, in ``save()``, ``delete()`` and in
their querysets' ``update()`` / ``delete()``: a published URL always serves the same bytes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

NATIONAL = "MA"  # the scope code of a national package (ISO 3166-1 alpha-2 of Morocco)


class ImmutableError(Exception):
    """A published package, or one of its files, was about to be changed or deleted."""


class _ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableError(f"{self.model.__name__} rows are immutable: update() is refused.")

    def delete(self):
        raise ImmutableError(f"{self.model.__name__} rows are immutable: delete() is refused.")

    def bulk_update(self, *args, **kwargs):
        raise ImmutableError(f"{self.model.__name__} rows are immutable: bulk_update() is refused.")


class _Immutable(models.Model):
    objects = _ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ImmutableError(f"{type(self).__name__} {self.pk} is published: it cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(f"{type(self).__name__} {self.pk} is published: it cannot be deleted.")


class Publication(_Immutable):
    """One version of the open-data package of a territory and a year."""

    territory = models.ForeignKey(
        "core.Territory",
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for a national package."),
    )
    scope_code = models.CharField(_("territory code"), max_length=20)  # region code, or NATIONAL
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveIntegerField(_("version"))
    snapshot_taken_at = models.DateTimeField(_("warehouse snapshot taken at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    directory = models.CharField(max_length=200)  # relative to KAFAAT_OPEN_DATA_DIR
    package_sha256 = models.CharField(_("SHA-256 of datapackage.json"), max_length=64)
    # The methodology note in fr/ar/en (sections of title + paragraphs), the source of the .md files and
    # of the detail page; summary: rows per resource and suppressed cells.
    methodology = models.JSONField(default=dict)
    summary = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("open-data publication")
        verbose_name_plural = _("open-data publications")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope_code", "year", "version"], name="observatory_publication_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope_code} {self.year} v{self.version}"

    @property
    def territory_name(self) -> str:
        return self.territory.name if self.territory else str(_("Morocco (national)"))


class PublicationFile(_Immutable):
    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="files")
    name = models.CharField(max_length=100)
    media_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    title = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("published file")
        verbose_name_plural = _("published files")
        ordering = ["publication", "id"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "name"], name="observatory_publicationfile_unique")
        ]

    def __str__(self) -> str:
        return self.name
