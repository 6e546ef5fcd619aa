"""Encryption of sensitive fields at rest, and keyed hashes that keep encrypted values searchable.

Keys come from the environment: KAFAAT_FIELD_KEYS (comma-separated Fernet keys, the first encrypts, all
decrypt — so keys rotate without downtime) and KAFAAT_HASH_KEY (HMAC key of the look-up hashes). In
development both derive from the secret key so that a laptop demo needs no set-up.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _derived_key(purpose: str) -> bytes:
    return hashlib.sha256(f"{purpose}:{settings.SECRET_KEY}".encode()).digest()


@cache
def _fernet() -> MultiFernet:
    configured = [k.strip() for k in getattr(settings, "KAFAAT_FIELD_KEYS", "").split(",") if k.strip()]
    if not configured:
        if settings.PRODUCTION:
            raise ImproperlyConfigured("KAFAAT_FIELD_KEYS must be set when KAFAAT_ENV=production")
        configured = [base64.urlsafe_b64encode(_derived_key("field-encryption")).decode()]
    return MultiFernet([Fernet(key) for key in configured])


@cache
def _hash_key() -> bytes:
    configured = getattr(settings, "KAFAAT_HASH_KEY", "")
    if not configured:
        if settings.PRODUCTION:
            raise ImproperlyConfigured("KAFAAT_HASH_KEY must be set when KAFAAT_ENV=production")
        return _derived_key("lookup-hash")
    return configured.encode()


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ValueError("this value was encrypted with a key that is no longer configured") from error


def keyed_hash(normalised_value: str) -> str:
    """A stable HMAC-SHA256 of an already normalised value: equality look-ups without the clear value."""
    return hmac.new(_hash_key(), normalised_value.encode(), hashlib.sha256).hexdigest()


def generate_key() -> str:
    return Fernet.generate_key().decode()
