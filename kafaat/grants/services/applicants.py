"""Applicant organisations come in two ways, both ending with a user who can apply (a membership with the
grant applicant role):

- the call's officer **invites** an organisation's contact by e-mail: a link with a signed token, valid 14
  days, for a new organisation or for one already registered (then only the contact's account is made);
- an organisation **registers itself** from a published call's public page (name in French and Arabic, type,
  territory, contact, e-mail, password).

The organisation's code and the user name (the e-mail) are unique: a second registration is refused with a
message, never a 500."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.core.l10n.formatting import format_datetime
from kafaat.core.models import Membership, Organisation, Role, Territory
from kafaat.grants import access_rules
from kafaat.grants.models import Call

INVITATION_SALT = "kafaat.grants.invitation"
INVITATION_DAYS = 14
APPLICANT_TYPES = (Organisation.Type.NGO, Organisation.Type.TRAINING_PROVIDER, "cooperative")


def applicant_type_choices() -> list[tuple[str, str]]:
    """NGO, cooperative (registered as a civil-society organisation), training provider."""
    return [
        (Organisation.Type.NGO, Organisation.Type.NGO.label),
        ("cooperative", _("Cooperative")),
        (Organisation.Type.TRAINING_PROVIDER, Organisation.Type.TRAINING_PROVIDER.label),
    ]


@dataclass(frozen=True)
class Invitation:
    call: Call
    email: str
    organisation: Organisation | None
    language: str


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": [_("Enter a valid e-mail address.")]}) from None
    return email


def invitation_token(call: Call, email: str, organisation: Organisation | None, language: str) -> str:
    payload = {"c": call.pk, "e": email, "o": organisation.pk if organisation else None, "l": language}
    return signing.dumps(payload, salt=INVITATION_SALT)


def read_invitation(token: str) -> Invitation:
    """The invitation a token carries; an expired, forged or used one is refused with a message."""
    try:
        payload = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_DAYS * 24 * 3600)
    except signing.SignatureExpired:
        raise ValidationError(_("This invitation has expired: ask the call's team for a new one.")) from None
    except signing.BadSignature:
        raise ValidationError(_("This invitation link is not valid.")) from None
    call = Call.objects.filter(pk=payload.get("c"), status=Call.Status.PUBLISHED).first()
    if call is None:
        raise ValidationError(_("The call of this invitation is no longer open."))
    organisation = None
    if payload.get("o"):
        organisation = Organisation.objects.filter(pk=payload["o"], is_active=True).first()
        if organisation is None:
            raise ValidationError(_("This invitation link is not valid."))
    if get_user_model().objects.filter(username=payload.get("e", "")).exists():
        raise ValidationError(_("This invitation has already been used: sign in."))
    return Invitation(call, payload["e"], organisation, payload.get("l") or "fr")


def invite(
    user,
    call: Call,
    email: str,
    *,
    organisation: Organisation | None = None,
    language: str = "fr",
    base_url: str = "",
) -> str:
    """Send the invitation e-mail (in `language`) through Django's e-mail framework; gives the link."""
    if not access_rules.can_manage_call(user, call):
        raise access.Refused(access_rules.MANAGE_CALLS, call)
    if call.status != Call.Status.PUBLISHED:
        raise ValidationError({"email": [_("Invite applicants once the call is published.")]})
    email = _clean_email(email)
    if language not in ("fr", "ar", "en"):
        language = "fr"
    if get_user_model().objects.filter(username=email).exists():
        raise ValidationError({"email": [_("This address already has an account: the person can sign in.")]})
    token = invitation_token(call, email, organisation, language)
    link = base_url.rstrip("/") + reverse("grants:invitation", args=[token])
    with translation.override(language):
        subject = _("Invitation to apply: %(call)s") % {"call": call.name}
        body = _(
            "Hello,\n\nYou are invited to apply to the call for proposals “%(call)s”.\n"
            "Create your organisation's account with this link (valid %(days)d days):\n%(link)s\n\n"
            "The deadline is %(deadline)s (Casablanca time).\n"
        ) % {"call": call.name, "days": INVITATION_DAYS, "link": link, "deadline": _deadline(call)}
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        raise ValidationError({"email": [_("The e-mail could not be sent: try again later.")]}) from None
    audit.record(audit.Action.CREATE, user, call, details={"invitation": email})
    return link


def _deadline(call: Call) -> str:
    return format_datetime(call.closes_at, isolated=False)


def _unique_code(name: str) -> str:
    base = slugify(name)[:32] or "organisation"
    code, n = base, 1
    while Organisation.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


@transaction.atomic
def register(data: dict, *, invitation: Invitation | None = None):
    """Create the organisation (unless the invitation names one), the contact's user and their applicant
    membership; gives the user (the caller signs them in).

    `data`: name_fr, name_ar, type, territory (id), contact_name, email, password."""
    errors: dict[str, list[str]] = {}
    email = invitation.email if invitation else data.get("email", "")
    try:
        email = _clean_email(email)
    except ValidationError as error:
        errors.update(error.message_dict)
        email = ""
    contact = (data.get("contact_name") or "").strip()
    if not contact or len(contact) > 150:
        errors["contact_name"] = [_("Give the contact's name.")]
    organisation = invitation.organisation if invitation else None
    if organisation is None:
        name_fr, name_ar = (data.get("name_fr") or "").strip(), (data.get("name_ar") or "").strip()
        if not name_fr or len(name_fr) > 200:
            errors["name_fr"] = [_("Give the organisation's name in French.")]
        if len(name_ar) > 200:
            errors["name_ar"] = [_("Up to 200 characters.")]
        kind = data.get("type")
        if kind not in APPLICANT_TYPES:
            errors["type"] = [_("Pick the kind of organisation.")]
        territory = Territory.objects.filter(pk=data.get("territory") or 0).first()
        if territory is None:
            errors["territory"] = [_("Pick the territory.")]
        elif name_fr and Organisation.objects.filter(name_fr__iexact=name_fr, territory=territory).exists():
            errors["name_fr"] = [
                _("An organisation of this name is already registered here: ask its members.")
            ]
    User = get_user_model()
    if email and User.objects.filter(username=email).exists():
        errors["email"] = [_("This address already has an account: sign in.")]
    password = data.get("password") or ""
    try:
        validate_password(password, User(username=email, email=email))
    except ValidationError as error:
        errors["password"] = list(error.messages)
    if errors:
        raise ValidationError(errors)
    if organisation is None:
        organisation_type = Organisation.Type.NGO if kind == "cooperative" else kind
        organisation = Organisation.objects.create(
            code=_unique_code(name_fr),
            type=organisation_type,
            territory=territory,
            name_fr=name_fr,
            name_ar=name_ar,
            email=email,
        )
        audit.record(
            audit.Action.CREATE,
            None,
            organisation,
            actor_username=email,
            details={"self_registered": invitation is None, "kind": kind},
        )
    first, _sep, last = contact.partition(" ")
    try:
        user = User.objects.create_user(
            username=email, email=email, password=password, first_name=first[:150], last_name=last[:150]
        )
    except IntegrityError:
        raise ValidationError({"email": [_("This address already has an account: sign in.")]}) from None
    Membership.objects.create(user=user, organisation=organisation, role=Role.GRANT_APPLICANT)
    audit.record(
        audit.Action.CREATE,
        user,
        user,
        details={
            "grant_applicant_of": organisation.code,
            "invited_to": invitation.call.code if invitation else None,
        },
    )
    return user
