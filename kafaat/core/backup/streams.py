"""The backup key and the encrypted file format: AES-256-GCM in chunks, streamed.

Format of a `.kbk` file: the magic `KAFAATBK1`, a random 16-byte salt, then records (4-byte big-endian length,
then the ciphertext of at most 1 MiB of plaintext with its 16-byte tag). Each file has its own key, derived
from the backup key and the salt (HKDF-SHA256); the nonce of a record is its number, and the last record is
sealed with the associated data "last": a record moved, dropped, altered or added after the last one fails
to decrypt, so nothing is read from a damaged or truncated file. Memory stays at one chunk whatever the size.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"KAFAATBK1"
CHUNK = 1024 * 1024
SALT_BYTES = 16
_LAST, _MORE = b"last", b"more"


class BackupError(Exception):
    """A backup or restore refused or failed, with a message meant for the operator."""


def load_key(value: str) -> bytes:
    """The backup key: 32 bytes in base64 (urlsafe or standard): a Fernet key, `openssl rand -base64 32`."""
    text = value.strip()
    try:
        key = base64.urlsafe_b64decode(text.replace("+", "-").replace("/", "_").encode())
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise BackupError("The backup key must be 32 bytes in base64 (make one: `openssl rand -base64 32`).")
    return key


def read_key(key_file: str | None) -> bytes:
    """The key from --key-file, else from KAFAAT_BACKUP_KEY."""
    if key_file:
        return load_key(Path(key_file).read_text(encoding="utf-8"))
    value = os.environ.get("KAFAAT_BACKUP_KEY", "")
    if not value:
        raise BackupError("No backup key: set KAFAAT_BACKUP_KEY or pass --key-file (docs/operations.md).")
    return load_key(value)


def _derive(key: bytes, salt: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"kafaat-backup:" + purpose).derive(key)


def key_id(key: bytes) -> str:
    """Names the backup key without revealing it: tells a wrong key from an altered manifest."""
    return hmac.new(_derive(key, b"", b"id"), b"key id", hashlib.sha256).hexdigest()[:32]


def sign(key: bytes, data: bytes) -> str:
    return hmac.new(_derive(key, b"", b"manifest"), data, hashlib.sha256).hexdigest()


def verify(key: bytes, data: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(key, data), signature)


class EncryptingWriter:
    """A write-only file object: what is written goes encrypted, chunk by chunk, to `target`.

    It counts and hashes the plaintext (the manifest records both)."""

    def __init__(self, target: BinaryIO, key: bytes) -> None:
        salt = os.urandom(SALT_BYTES)
        self._aead = AESGCM(_derive(key, salt, b"file"))
        self._target, self._buffer, self._number = target, bytearray(), 0
        self.sha256, self.size = hashlib.sha256(), 0
        target.write(MAGIC + salt)

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:
        self._buffer += data
        self.sha256.update(data)
        self.size += len(data)
        while len(self._buffer) > CHUNK:  # keep at least one byte back: the last record is sealed apart
            self._record(bytes(self._buffer[:CHUNK]), _MORE)
            del self._buffer[:CHUNK]
        return len(data)

    def flush(self) -> None:
        pass

    def _record(self, chunk: bytes, associated: bytes) -> None:
        sealed = self._aead.encrypt(self._number.to_bytes(12, "big"), chunk, associated)
        self._target.write(struct.pack(">I", len(sealed)) + sealed)
        self._number += 1

    def close(self) -> None:
        self._record(bytes(self._buffer), _LAST)
        self._buffer.clear()


def encrypt_file(source: Path, target: Path, key: bytes) -> EncryptingWriter:
    with open(source, "rb") as reader, open(target, "wb") as handle:
        writer = EncryptingWriter(handle, key)
        while chunk := reader.read(CHUNK):
            writer.write(chunk)
        writer.close()
    return writer


def decrypt_file(source: Path, target: Path, key: bytes) -> str:
    """Decrypt `source` into `target`; the plaintext's SHA-256. BackupError when the file was altered."""
    digest = hashlib.sha256()
    with open(source, "rb") as reader, open(target, "wb") as writer:
        header = reader.read(len(MAGIC) + SALT_BYTES)
        if not header.startswith(MAGIC) or len(header) != len(MAGIC) + SALT_BYTES:
            raise BackupError(f"{source.name} is not a Kafaat backup file.")
        aead = AESGCM(_derive(key, header[len(MAGIC) :], b"file"))
        number, finished = 0, False
        while length_bytes := reader.read(4):
            if finished or len(length_bytes) != 4:
                raise BackupError(f"{source.name} was altered: data after its end.")
            (length,) = struct.unpack(">I", length_bytes)
            sealed = reader.read(length)
            nonce = number.to_bytes(12, "big")
            try:
                chunk = aead.decrypt(nonce, sealed, _MORE)
            except InvalidTag:
                try:
                    chunk, finished = aead.decrypt(nonce, sealed, _LAST), True
                except InvalidTag:
                    raise BackupError(f"{source.name} was altered or damaged: it does not decrypt.") from None
            writer.write(chunk)
            digest.update(chunk)
            number += 1
        if not finished:
            raise BackupError(f"{source.name} is truncated (its last part is missing).")
    return digest.hexdigest()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
