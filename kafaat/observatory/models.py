"""A record of each refresh of the analytics warehouse: when, by whom, how far it got, what it read."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The refresh's stages and the snapshot's tables, as the warehouse page names them (their keys are the
# program's: warehouse/build.py reports the stages, snapshot.info() counts the tables).
STAGES = {
    "reading": _("reading the operational data"),
    "pseudonymising": _("giving people pseudonyms"),
    "decrypting": _("reading the encrypted fields"),
    "building": _("building the tables"),
    "writing": _("writing the snapshot"),
    "protecting": _("computing the small-count protection"),
    "done": _("done"),
}
TABLES = {
    "people": _("people"),
    "events": _("pathway steps"),
    "journeys": _("pathways"),
    "supply": _("training supply rows"),
    "demand": _("vacancy rows"),
    "hires": _("planned hires"),
    "gap_cells": _("gap table cells"),
    "disclosure_patterns": _("protection patterns"),
}
INTERRUPTED = "interrupted"  # the message of a refresh that stopped without a word (the process died)


def describe_rows(rows: dict[str, int]) -> list[tuple[str, int]]:
    """(what, how many) for each table of a snapshot, in the reader's language."""
    return [(str(TABLES.get(table, table)), count) for table, count in rows.items()]


class Snapshot(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Refreshing")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    stage = models.CharField(max_length=40, blank=True)
    percent = models.PositiveSmallIntegerField(default=0)
    # When the operational data was read: the time every number of this snapshot is "as of".
    taken_at = models.DateTimeField(null=True, blank=True)
    rows = models.JSONField(default=dict, blank=True)
    decrypted = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    message = models.TextField(blank=True)

    class Meta:
        verbose_name = _("warehouse snapshot")
        verbose_name_plural = _("warehouse snapshots")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} · {self.get_status_display()}"

    @property
    def stage_label(self) -> str:
        return str(STAGES.get(self.stage, self.stage))

    @property
    def failure(self) -> str:
        """Why the refresh failed: "interrupted" in the reader's language, else the error as the program
        wrote it (shown as program output)."""
        return str(_("the refresh was interrupted")) if self.message == INTERRUPTED else self.message


from kafaat.observatory.publication.models import Publication, PublicationFile  # noqa: E402, F401
