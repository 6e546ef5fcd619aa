"""System checks: production must have its own keys for encrypted fields and look-up hashes."""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def encryption_keys(app_configs, **kwargs):
    if not settings.PRODUCTION:
        return []
    errors = []
    keys = [k.strip() for k in settings.KAFAAT_FIELD_KEYS.split(",") if k.strip()]
    if not keys:
        errors.append(
            Error(
                "KAFAAT_FIELD_KEYS is not set: sensitive fields cannot be encrypted.",
                hint="Generate one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'",
                id="kafaat.E001",
            )
        )
    for key in keys:
        try:
            Fernet(key)
        except ValueError:
            errors.append(Error("KAFAAT_FIELD_KEYS holds a key that is not a Fernet key.", id="kafaat.E002"))
    if len(settings.KAFAAT_HASH_KEY) < 32:
        errors.append(
            Error("KAFAAT_HASH_KEY must be set to at least 32 random characters.", id="kafaat.E003")
        )
    return errors
