"""Bulk decryption (`crypto.decrypt_many`, used by the warehouse refresh) reads exactly what Fernet reads and
refuses exactly what Fernet refuses: forged or altered tokens, tokens of a key no longer configured."""

from __future__ import annotations

import base64
import hmac

import pytest
from cryptography.fernet import Fernet, MultiFernet
from hypothesis import given, settings
from hypothesis import strategies as st

from kafaat.core import crypto


@pytest.fixture
def keys(settings):
    """Configured Fernet keys: rotated (the first encrypts, all decrypt); the caches see the change."""

    def configure(*configured: str) -> None:
        settings.KAFAAT_FIELD_KEYS = ",".join(configured)
        crypto._field_keys.cache_clear()
        crypto._fernet.cache_clear()

    yield configure
    crypto._field_keys.cache_clear()
    crypto._fernet.cache_clear()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=120), min_size=1, max_size=50))
def test_bulk_decryption_reads_what_fernet_wrote(plaintexts):
    tokens = [crypto.encrypt(text) for text in plaintexts[:10]] + crypto.encrypt_many(plaintexts[10:])
    assert crypto.decrypt_many(tokens) == plaintexts == [crypto.decrypt(token) for token in tokens]


def test_bulk_decryption_of_nothing_is_nothing():
    assert crypto.decrypt_many([]) == []


def test_bulk_decryption_follows_key_rotation(keys):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    keys(old)
    before = crypto.encrypt_many(["refugee", "moroccan"])
    keys(new, old)
    after = crypto.encrypt_many(["regular_migrant"])
    mixed = [before[0], after[0], before[1]]
    assert crypto.decrypt_many(mixed) == ["refugee", "regular_migrant", "moroccan"]
    assert MultiFernet([Fernet(new), Fernet(old)]).decrypt(after[0].encode()) == b"regular_migrant"
    keys(new)  # the old key retired: its tokens can no longer be read, in bulk or one by one
    with pytest.raises(ValueError, match="no longer configured"):
        crypto.decrypt_many(mixed)
    with pytest.raises(ValueError, match="no longer configured"):
        crypto.decrypt(before[0])


def _altered(token: str, position: int) -> str:
    data = bytearray(base64.urlsafe_b64decode(token))
    data[position] ^= 0x01
    return base64.urlsafe_b64encode(bytes(data)).decode()


@pytest.mark.parametrize(
    "position",
    [0, 1, 12, 30, -40, -1],
    ids=["version", "timestamp", "iv", "ciphertext", "last block", "hmac"],
)
def test_an_altered_token_is_refused_not_misread(position):
    good = crypto.encrypt_many(["asylum_seeker", "moroccan"])
    with pytest.raises(ValueError):
        crypto.decrypt_many([good[0], _altered(good[1], position)])


@pytest.mark.parametrize("token", ["not a token", "gAAAAA==", "", "%%%"])
def test_a_value_that_is_no_token_is_refused(token):
    with pytest.raises(ValueError):
        crypto.decrypt_many([crypto.encrypt("x"), token])


def test_a_valid_hmac_over_bad_padding_is_refused(keys):
    """Authenticated but badly padded (only the key holder can make one): refused like Fernet does."""
    key = Fernet.generate_key()
    keys(key.decode())
    raw = base64.urlsafe_b64decode(key)
    token = crypto._fernet_tokens(raw, [b"x" * 16], b"\0" * 16, 0)[0]
    data = bytearray(base64.urlsafe_b64decode(token))
    body = bytes(data[: -32 - 16])  # drop the padding block: the last byte of the plaintext is "x"

    forged = base64.urlsafe_b64encode(body + hmac.digest(raw[:16], body, "sha256")).decode()
    with pytest.raises(ValueError):
        crypto.decrypt(forged)
    with pytest.raises(ValueError):
        crypto.decrypt_many([forged])


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=0, max_size=200), st.binary(max_size=300))
def test_the_batched_hmac_is_hmac_sha256(key, message):
    assert crypto._hmac_sha256(key)(message) == hmac.digest(key, message, "sha256")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=20))
def test_keyed_hashes_are_keyed_hash_of_each_value(values):
    assert crypto.keyed_hashes(values) == [crypto.keyed_hash(value) for value in values]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=20))
def test_keyed_int64s_are_the_keyed_hashes_first_8_bytes_signed(values):
    """The match keys: the keyed hash's first 64 bits, as PostgreSQL's bigint holds them (sign included)."""
    found = crypto.keyed_int64s(values)
    assert found == [
        int.from_bytes(bytes.fromhex(crypto.keyed_hash(v))[:8], "big", signed=True) for v in values
    ]
    assert all(-(2**63) <= value < 2**63 for value in found)
