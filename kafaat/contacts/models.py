"""The stakeholder directory: people who run vocational training, not its beneficiaries.

GTR members, officials, trainers, experts and employers' representatives are contacts. Every app that needs
a person who is not a beneficiary (governance, grants, quality, enterprises) points here, so one person is one
row however many groups, events and missions they take part in. A contact who is also a beneficiary links to
their registry record; that record stays under the registry's access rules.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kafaat.contacts.name_keys import contact_word_keys
from kafaat.core.fields import NameField
from kafaat.core.models import Organisation, Territory


class OrganisationType(models.TextChoices):
    """The kind of body a contact speaks for — wider than Kafaat's own organisations (a regional council or a
    professional association takes part in a working group without ever logging in)."""

    MINISTRY = "ministry", _("Ministry")
    OFPPT = "ofppt", _("OFPPT")
    REGIONAL_COUNCIL = "regional_council", _("Regional council")
    EMPLOYER = "employer", _("Employer")
    PROFESSIONAL_ASSOCIATION = "professional_association", _("Professional association")
    NGO = "ngo", _("NGO / civil-society organisation")
    TRAINING_PROVIDER = "training_provider", _("Training provider")
    DONOR = "donor", _("Donor")
    OTHER = "other", _("Other")


LETTER_LANGUAGES = [("fr", "Français"), ("ar", "العربية"), ("en", "English")]


class ContactSex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class Contact(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The organisation that keeps this entry: its staff edit it; others read it within their territory.
    managed_by = models.ForeignKey(
        Organisation, verbose_name=_("kept by"), on_delete=models.PROTECT, related_name="kept_contacts"
    )
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.PROTECT, related_name="+",
        help_text=_("Where the contact works (region or province)."),
    )  # fmt: skip
    external_id = models.CharField(_("external id"), max_length=64, blank=True)

    first_name_ar = NameField(_("first name (Arabic)"), max_length=100, blank=True)
    last_name_ar = NameField(_("last name (Arabic)"), max_length=100, blank=True)
    first_name_latin = NameField(_("first name (Latin)"), max_length=100, blank=True)
    last_name_latin = NameField(_("last name (Latin)"), max_length=100, blank=True)
    # Every name word of both scripts, normalised as the registry does (kafaat.registry.normalise.search_key).
    search_name = models.CharField(max_length=500, editable=False, default="", db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=ContactSex.choices)

    # The body the contact speaks for: a Kafaat organisation when there is one, else its name and type.
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="contacts",
    )  # fmt: skip
    organisation_name = models.CharField(_("organisation (if not in Kafaat)"), max_length=200, blank=True)
    organisation_type = models.CharField(
        _("organisation type"), max_length=30, choices=OrganisationType.choices
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    sector = models.ForeignKey(
        "training.Sector", verbose_name=_("sector"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    # Trainers: the establishment they teach in.
    establishment = models.ForeignKey(
        "training.Establishment", verbose_name=_("establishment"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="trainers",
    )  # fmt: skip
    is_trainer = models.BooleanField(_("trainer"), default=False)
    is_expert = models.BooleanField(_("expert"), default=False)
    # Experts: the institution and country they come from (missions roll up by expert's country).
    home_institution = models.CharField(_("home institution"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, default="MA", help_text=_("ISO 3166 code"))

    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    # Languages the contact reads (for invitations and certificates): codes among fr, ar, en, es, amz.
    languages = models.JSONField(_("languages"), default=list, blank=True)
    preferred_language = models.CharField(
        _("language for letters"), max_length=2, choices=LETTER_LANGUAGES, default="fr"
    )
    consent_to_contact = models.BooleanField(_("agrees to be contacted"), default=False)
    consent_date = models.DateField(_("date of consent"), null=True, blank=True)

    # A beneficiary who is also a contact (attends an event, say): the link, never a copy of their record.
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("beneficiary record"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="contacts",
    )  # fmt: skip
    # A duplicate merged into another: kept (for the references and the audit), hidden from the directory.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_duplicates"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["last_name_latin", "first_name_latin", "last_name_ar", "first_name_ar", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["managed_by", "external_id"], condition=~models.Q(external_id=""),
                name="one_contact_per_external_id",
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["email"], name="contact_email"),
                   models.Index(fields=["phone"], name="contact_phone")]  # fmt: skip

    def __str__(self) -> str:
        latin = f"{self.first_name_latin} {self.last_name_latin}".strip()
        arabic = f"{self.first_name_ar} {self.last_name_ar}".strip()
        return latin or arabic or str(self.uid)

    def save(self, *args, **kwargs) -> None:
        from kafaat.registry.normalise import search_key

        self.search_name = search_key(
            self.first_name_latin, self.last_name_latin, self.first_name_ar, self.last_name_ar
        )
        super().save(*args, **kwargs)
        name_fields = {"first_name_latin", "last_name_latin", "first_name_ar", "last_name_ar"}
        update_fields = kwargs.get("update_fields")
        if update_fields is None or name_fields & set(update_fields):
            ContactNameKey.refresh([self])


class ContactNameKey(models.Model):
    """One word key of a contact's names (kafaat.contacts.name_keys): matching reads only the contacts that
    share a key with what it looks for."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="name_keys")
    key = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contact", "key"], name="one_name_key_per_contact")]
        indexes = [models.Index(fields=["key", "contact"], name="contact_name_key")]

    def __str__(self) -> str:
        return self.key

    @classmethod
    def refresh(cls, contacts: Iterable[Contact]) -> None:
        """Bring the keys of these saved contacts up to date (after a save, a bulk creation, a name edit):
        only the keys that changed are written, so saving a contact again writes nothing here."""
        contacts = [c for c in contacts if c.pk is not None]
        if not contacts:
            return
        wanted = {
            c.pk: {key[:40] for key in contact_word_keys(
                c.first_name_latin, c.last_name_latin, c.first_name_ar, c.last_name_ar)}
            for c in contacts
        }  # fmt: skip
        held: dict[int, set[str]] = {pk: set() for pk in wanted}
        for contact_id, key in cls.objects.filter(contact_id__in=wanted).values_list("contact_id", "key"):
            held[contact_id].add(key)
        stale = [(pk, key) for pk, keys in held.items() for key in keys - wanted[pk]]
        if stale:
            condition = models.Q(pk__in=[])
            for pk, key in stale:
                condition |= models.Q(contact_id=pk, key=key)
            cls.objects.filter(condition).delete()
        cls.objects.bulk_create(
            cls(contact_id=pk, key=key) for pk, keys in wanted.items() for key in sorted(keys - held[pk])
        )
