"""The registry's match keys, shared by every web process (docs/deduplication.md, "At registration"; ADR
"registration match keys"). Written and read by `kafaat.registry.dedup.match_keys`; re-exported by
`registry.models` for Django.

No value in clear: a key or a frequency's value is a keyed hash (HMAC-SHA256 under KAFAAT_HASH_KEY, cut to
64 bits), which cannot be recomputed from a guessed name, date or phone without the key.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

KEY_COUNT = 10  # one per blocking rule that a registry record can feed (match_keys.KEY_RULES, tested)


def _key_index(number: int) -> models.Index:
    # Partial (most people lack some keys) and ending with the person: a rule's first people by id come
    # straight from the index, whatever the number of people sharing the key.
    return models.Index(
        fields=[f"key_{number}", "person"],
        condition=Q(**{f"key_{number}__isnull": False}),
        name=f"registry_matchkey_{number}_idx",
    )


class MatchKey(models.Model):
    """One live person's blocking keys: `key_<n>` is the keyed hash of what blocking rule n compares, null
    when the person lacks one of its values. A merged record has no row."""

    person = models.OneToOneField(
        "registry.Person", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    key_0 = models.BigIntegerField(null=True)
    key_1 = models.BigIntegerField(null=True)
    key_2 = models.BigIntegerField(null=True)
    key_3 = models.BigIntegerField(null=True)
    key_4 = models.BigIntegerField(null=True)
    key_5 = models.BigIntegerField(null=True)
    key_6 = models.BigIntegerField(null=True)
    key_7 = models.BigIntegerField(null=True)
    key_8 = models.BigIntegerField(null=True)
    key_9 = models.BigIntegerField(null=True)

    class Meta:
        indexes = [_key_index(number) for number in range(KEY_COUNT)]

    def __str__(self) -> str:
        return f"match keys of {self.person_id}"


class MatchFrequency(models.Model):
    """How many live people had a value of a term-frequency column (a name key, a commune, a province) at the
    last rebuild; the value is known only by its keyed hash (column and value hashed together)."""

    value = models.BigIntegerField(primary_key=True)
    count = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.value}: {self.count}"


class MatchKeyState(models.Model):
    """One row: when the keys and frequencies were last rebuilt, over how many people, for which rules and
    hash key (`signature`: a rebuild is due when it differs from the code's)."""

    people = models.PositiveIntegerField(default=0)
    totals = models.JSONField(default=dict)  # people with a value, by term-frequency column
    signature = models.CharField(max_length=64, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(default=0)

    def __str__(self) -> str:
        return f"match keys of {self.people} people ({self.built_at})"
