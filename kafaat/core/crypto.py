"""Encryption of sensitive fields at rest, and keyed hashes that keep encrypted values searchable.

Keys come from the environment: KAFAAT_FIELD_KEYS (comma-separated Fernet keys, the first encrypts, all
decrypt — so keys rotate without downtime) and KAFAAT_HASH_KEY (HMAC key of the look-up hashes). In
development both derive from the secret key so that a laptop demo needs no set-up.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct
import time
from collections.abc import Callable, Sequence
from functools import cache

import numpy as np
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _derived_key(purpose: str) -> bytes:
    return hashlib.sha256(f"{purpose}:{settings.SECRET_KEY}".encode()).digest()


@cache
def _field_keys() -> tuple[str, ...]:
    configured = [k.strip() for k in getattr(settings, "KAFAAT_FIELD_KEYS", "").split(",") if k.strip()]
    if not configured:
        if settings.PRODUCTION:
            raise ImproperlyConfigured("KAFAAT_FIELD_KEYS must be set when KAFAAT_ENV=production")
        configured = [base64.urlsafe_b64encode(_derived_key("field-encryption")).decode()]
    return tuple(configured)


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in _field_keys()])


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


def encrypt_many(plaintexts: Sequence[str]) -> list[str]:
    """`encrypt` of many values at once: the same Fernet tokens (version, time, random IV, AES-128-CBC with
    PKCS7 padding, HMAC-SHA256), made with one AES context for the whole batch instead of one cipher and one
    HMAC object per value (a bulk import encrypts two values a row; this is about 4 times faster)."""
    if not plaintexts:
        return []
    key = base64.urlsafe_b64decode(_field_keys()[0])
    datas = [text.encode() for text in plaintexts]
    return _fernet_tokens(key, datas, os.urandom(16 * len(datas)), int(time.time()))


def _fernet_tokens(key: bytes, datas: list[bytes], random_ivs: bytes, now: int) -> list[str]:
    """Fernet tokens of `datas` under a 32-byte Fernet key, IVs taken 16 bytes at a time from `random_ivs`."""
    signing_key, encryption_key = key[:16], key[16:]
    count = len(datas)
    ivs = np.frombuffer(random_ivs, dtype=np.uint8).reshape(count, 16)
    # PKCS7: 1 to 16 bytes of padding, each holding the padding's length.
    padded = [data + bytes([16 - len(data) % 16]) * (16 - len(data) % 16) for data in datas]
    lengths = [len(p) for p in padded]
    width = max(lengths)
    plain = np.frombuffer(b"".join(p.ljust(width, b"\0") for p in padded), dtype=np.uint8).reshape(count, -1)
    cipher = np.empty_like(plain)
    blocks = np.array(lengths) // 16
    previous = ivs.copy()
    encryptor = Cipher(algorithms.AES(encryption_key), modes.ECB()).encryptor()  # noqa: S305 — CBC below
    # CBC by hand over the batch: block j of every value that has one, chained on the value's block j-1.
    for j in range(width // 16):
        rows = np.flatnonzero(blocks > j)
        mixed = plain[rows, 16 * j : 16 * j + 16] ^ previous[rows]
        encrypted = np.frombuffer(encryptor.update(mixed.tobytes()), dtype=np.uint8).reshape(len(rows), 16)
        previous[rows] = encrypted
        cipher[rows, 16 * j : 16 * j + 16] = encrypted
    header = b"\x80" + struct.pack(">Q", now)
    sign = _hmac_sha256(signing_key)
    tokens = []
    ivs_and_ciphertexts = np.hstack([ivs, cipher]).tobytes()
    row_width = 16 + width
    for index, length in enumerate(lengths):
        start = index * row_width
        body = header + ivs_and_ciphertexts[start : start + 16 + length]
        tokens.append(base64.urlsafe_b64encode(body + sign(body)).decode())
    return tokens


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ValueError("this value was encrypted with a key that is no longer configured") from error


_HEADER, _MAC = 9, 32  # Fernet: version byte and timestamp before the IV; HMAC-SHA256 at the end


def decrypt_many(tokens: Sequence[str]) -> list[str]:
    """`decrypt` of many tokens at once, for bulk readers (the warehouse refresh: two fields a person).

    The same checks as Fernet's, in the same order: the token is url-safe base64 of version 0x80, timestamp,
    IV, AES-128-CBC ciphertext (whole blocks) and an HMAC-SHA256 of all that; the HMAC is verified (constant
    time) under each configured key in turn, as MultiFernet does, and only then is the ciphertext decrypted
    and its PKCS7 padding checked. No time-to-live applies (as in `decrypt`). What is batched is the AES:
    CBC decryption needs no chaining (plaintext block i is D(C_i) xor C_(i-1)), so every block of every
    token under one key goes through one AES call, and the xor is one numpy operation; the per-token steps
    (base64, HMAC) are single C calls mapped over the batch. A token no key authenticates raises
    ValueError, like `decrypt`.
    """
    if not tokens:
        return []
    raw = _b64_many(tokens)
    keys = [base64.urlsafe_b64decode(key) for key in _field_keys()]
    well_formed = [
        len(data) >= _HEADER + 32 + _MAC and data[0] == 0x80 and (len(data) - _HEADER - _MAC) % 16 == 0
        for data in raw
    ]
    messages = [data[:-_MAC] for data in raw]
    tags = [data[-_MAC:] for data in raw]
    pending = [i for i, ok in enumerate(well_formed) if ok]
    if len(pending) < len(raw):
        raise ValueError("a value is not a Fernet token")
    by_key: list[list[int]] = []
    for key in keys:
        macs = list(map(_hmac_sha256(key[:16]), (messages[i] for i in pending)))
        expected = [tags[i] for i in pending]
        if hmac.compare_digest(b"".join(macs), b"".join(expected)):  # the usual case: all under this key
            by_key.append(pending)
            pending = []
            break
        verified = [
            i for i, mac, tag in zip(pending, macs, expected, strict=True) if hmac.compare_digest(mac, tag)
        ]
        by_key.append(verified)
        taken = set(verified)
        pending = [i for i in pending if i not in taken]
    if pending:
        raise ValueError("this value was encrypted with a key that is no longer configured")
    out: list[str] = [""] * len(raw)
    for key, indices in zip(keys, by_key, strict=False):
        if indices:
            texts = _cbc_decrypt(key[16:], [messages[i][_HEADER:] for i in indices])
            for index, text in zip(indices, texts, strict=True):
                out[index] = text
    return out


def _hmac_sha256(key: bytes) -> Callable[[bytes], bytes]:
    """HMAC-SHA256 under `key` (RFC 2104) as a function of the message, for many short messages: the
    hashes of the inner and outer padded keys are computed once and copied per message. Equal to
    `hmac.digest(key, message, "sha256")` (tested), about 3 times faster than it on 40-140 byte messages,
    where OpenSSL's one-shot HMAC spends most of its time setting up."""
    if len(key) > 64:  # a key longer than SHA-256's block is hashed first (RFC 2104)
        key = hashlib.sha256(key).digest()
    padded = key.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in padded))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in padded))

    def digest(message: bytes) -> bytes:
        h = inner.copy()
        h.update(message)
        o = outer.copy()
        o.update(h.digest())
        return o.digest()

    return digest


_URLSAFE = str.maketrans("-_", "+/")


def _b64_many(tokens: Sequence[str]) -> list[bytes]:
    """`base64.urlsafe_b64decode` of each token (same non-strict decoding), one C call a token."""
    try:
        parts = "\n".join(tokens).translate(_URLSAFE).split("\n")
        if len(parts) != len(tokens):  # a token held a newline: decode one by one
            parts = [token.translate(_URLSAFE) for token in tokens]
        return list(map(binascii.a2b_base64, parts))
    except (TypeError, ValueError) as error:  # binascii.Error is a ValueError
        raise ValueError("a value is not a Fernet token") from error


def _cbc_decrypt(encryption_key: bytes, bodies: list[bytes]) -> list[str]:
    """AES-128-CBC decryption of `bodies` (each: IV then ciphertext blocks), PKCS7 unpadded, as UTF-8."""
    stream = np.frombuffer(b"".join(bodies), dtype=np.uint8).reshape(-1, 16)
    blocks = np.fromiter((len(body) // 16 for body in bodies), dtype=np.int64, count=len(bodies))
    starts = np.cumsum(blocks) - blocks  # each body's IV block
    is_cipher = np.ones(len(stream), dtype=bool)
    is_cipher[starts] = False
    cipher_rows = np.flatnonzero(is_cipher)
    decryptor = Cipher(algorithms.AES(encryption_key), modes.ECB()).decryptor()  # noqa: S305 — CBC below
    decrypted = np.frombuffer(decryptor.update(stream[cipher_rows].tobytes()), dtype=np.uint8)
    plain = (decrypted.reshape(-1, 16) ^ stream[cipher_rows - 1]).reshape(-1)
    ends = np.cumsum(16 * (blocks - 1))  # where each plaintext (still padded) ends in `plain`
    padding = plain[ends - 1].astype(np.int64)
    # PKCS7: the last n bytes (1 <= n <= 16) all hold n; checked for every token at once, byte by byte.
    valid = (padding >= 1) & (padding <= 16) & (padding <= 16 * (blocks - 1))
    for k in range(2, 17):
        holds = valid & (padding >= k)
        valid[holds] = plain[ends[holds] - k] == padding[holds]
    if not valid.all():
        raise ValueError("this value was encrypted with a key that is no longer configured")
    data = plain.tobytes()
    return [
        data[start:stop].decode()
        for start, stop in zip((ends - 16 * (blocks - 1)).tolist(), (ends - padding).tolist(), strict=True)
    ]


def keyed_hash(normalised_value: str) -> str:
    """A stable HMAC-SHA256 of an already normalised value: equality look-ups without the clear value."""
    return hmac.digest(_hash_key(), normalised_value.encode(), "sha256").hex()  # one call, no HMAC object


def keyed_hashes(normalised_values: Sequence[str]) -> list[str]:
    """`keyed_hash` of many values (a bulk import: one a row), the HMAC's padded keys hashed once."""
    digest = _hmac_sha256(_hash_key())
    return [digest(value.encode()).hex() for value in normalised_values]


def keyed_int64s(messages: Sequence[str]) -> list[int]:
    """The first 8 bytes of each message's keyed hash as a signed 64-bit integer: an equality key that fits a
    bigint column and its index. Without the hash key it cannot be recomputed from a guessed value, so a
    table of them is no dictionary of the values (unlike an unkeyed hash of a name or a phone number)."""
    digest = _hmac_sha256(_hash_key())
    from_bytes = int.from_bytes
    return [from_bytes(digest(message.encode())[:8], "big", signed=True) for message in messages]


def generate_key() -> str:
    return Fernet.generate_key().decode()


KEY_FINGERPRINT_MESSAGE = b"kafaat key fingerprint v1"


def key_fingerprints() -> dict[str, object]:
    """Which field and hash keys are configured, as an HMAC of a constant under each: a backup records them
    so that a restore can refuse keys that cannot read it. The keys themselves cannot be derived from them."""

    def fingerprint(key: bytes) -> str:
        return hmac.new(key, KEY_FINGERPRINT_MESSAGE, hashlib.sha256).hexdigest()[:32]

    return {
        "field_keys": [fingerprint(base64.urlsafe_b64decode(key)) for key in _field_keys()],
        "hash_key": fingerprint(_hash_key()),
    }


def reset_key_cache() -> None:
    """Forget the keys read from the settings (tests that change KAFAAT_FIELD_KEYS / KAFAAT_HASH_KEY)."""
    for cached in (_field_keys, _fernet, _hash_key):
        cached.cache_clear()
