"""The callback crypto shared by DingTalk and WeCom (WXBizMsgCrypt): AES-256-CBC plus a SHA-1 signature.

Both platforms encrypt ``random(16) || len(msg) (4 bytes, big-endian) || msg || receiver_id`` with the
key ``base64(EncodingAESKey + "=")`` and IV = key[:16], PKCS#7-padded to 32 bytes, and sign
``sha1("".join(sorted([token, timestamp, nonce, encrypt])))``. See shared/protocols.md §1;
DingTalk wraps the result in JSON, WeCom in XML. The robot and card signatures (HMAC-SHA256) are here too.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import string
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from bot.core.errors import ConfigError, DecryptError, InvalidSignature

BLOCK = 32  # the PKCS#7 block size both platforms use (not AES's 16)
_ALNUM = string.ascii_letters + string.digits


def aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte AES key from a platform's 43-character ``EncodingAESKey`` / ``aes_key``.

    Raises:
        ConfigError: the key is not 43 letters/digits that decode to 32 bytes.
    """
    if len(encoding_aes_key) != 43 or any(c not in _ALNUM for c in encoding_aes_key):
        raise ConfigError("callback AES key must be exactly 43 letters and digits")
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except binascii.Error as exc:
        raise ConfigError("callback AES key is not valid base64") from exc
    if len(key) != 32:
        raise ConfigError("callback AES key does not decode to 32 bytes")
    return key


def sha1_signature(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    """``hex(sha1(sorted four strings joined))`` — the signature of an encrypted callback."""
    joined = "".join(sorted([token, timestamp, nonce, encrypt]))
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()  # noqa: S324 (the platforms' protocol, not ours)


def hmac_sha256_b64(secret: str, message: str) -> str:
    """``base64(HMAC-SHA256(key=secret, msg=message))`` as DingTalk robots and cards sign."""
    digest = hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def constant_time_equal(a: str, b: str) -> bool:
    """Compare two signatures without leaking where they differ."""
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def random_nonce(length: int = 16) -> str:
    """Letters and digits, as the official libraries use for nonces and the random prefix.

    From one ``os.urandom`` read per round rather than a ``secrets.choice`` per character (two
    nonces per answered callback); bytes of 248 and up are dropped so each of the 62 is equally likely.
    """
    out: list[str] = []
    while len(out) < length:
        out.extend(_ALNUM[b % 62] for b in secrets.token_bytes(length + 4) if b < 248)
    return "".join(out[:length])


@dataclass(frozen=True)
class Sealed:
    """An encrypted message with what the receiver needs to verify it."""

    encrypt: str
    signature: str
    timestamp: str
    nonce: str


class CallbackCrypto:
    """Verify, decrypt and encrypt platform callbacks for one token / AES key / receiver id set.

    ``receiver_ids`` lists the accepted receiver ids (DingTalk: AppKey, then CorpId; WeCom: CorpID);
    the first one is used when encrypting.
    """

    def __init__(self, token: str, encoding_aes_key: str, receiver_ids: Sequence[str]) -> None:
        if not token:
            raise ConfigError("callback token is empty")
        ids = [r for r in receiver_ids if r]
        if not ids:
            raise ConfigError("no callback receiver id configured")
        self.token = token
        self._key = aes_key(encoding_aes_key)
        self.receiver_ids = tuple(ids)

    # -- signatures ------------------------------------------------------------------------------
    def signature(self, timestamp: str, nonce: str, encrypt: str) -> str:
        """The SHA-1 signature of an encrypted payload under our token."""
        return sha1_signature(self.token, timestamp, nonce, encrypt)

    def verify(self, signature: str, timestamp: str, nonce: str, encrypt: str) -> None:
        """Raise ``InvalidSignature`` unless ``signature`` matches (compared in constant time)."""
        if not signature:
            raise InvalidSignature("missing signature")
        expected = self.signature(timestamp, nonce, encrypt)
        if not constant_time_equal(expected, signature.strip().lower()):
            raise InvalidSignature("bad signature")

    # -- AES -------------------------------------------------------------------------------------
    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))

    def decrypt(self, encrypt: str) -> tuple[str, str]:
        """Decrypt a base64 ciphertext; returns ``(message, receiver_id)`` after checking the receiver.

        Raises:
            DecryptError: not base64, wrong length, bad padding, bad length field, not UTF-8, or
                a receiver id that is not ours.
        """
        try:
            raw = base64.b64decode(encrypt, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise DecryptError("ciphertext is not base64") from exc
        if len(raw) < 32 or len(raw) % 16:
            raise DecryptError("ciphertext has an invalid length")
        decryptor = self._cipher().decryptor()
        plain = decryptor.update(raw) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= BLOCK or pad > len(plain) or plain[-pad:] != bytes([pad]) * pad:
            raise DecryptError("decryption failed (bad padding)")
        body = plain[16:-pad]
        if len(body) < 4:
            raise DecryptError("decryption failed (too short)")
        (length,) = struct.unpack(">I", body[:4])
        if length > len(body) - 4:
            raise DecryptError("decryption failed (bad length field)")
        try:
            message = body[4 : 4 + length].decode("utf-8")
            receiver = body[4 + length :].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DecryptError("decryption failed (not UTF-8)") from exc
        if not any(constant_time_equal(receiver, r) for r in self.receiver_ids):
            raise DecryptError("receiver id mismatch")
        return message, receiver

    def encrypt(self, message: str, *, receiver_id: str | None = None, random_prefix: bytes | None = None) -> str:
        """Encrypt ``message`` for ``receiver_id`` (default: our first); ``random_prefix`` for known answers."""
        prefix = random_prefix if random_prefix is not None else random_nonce(16).encode("ascii")
        if len(prefix) != 16:
            raise ValueError("random prefix must be 16 bytes")
        msg = message.encode("utf-8")
        receiver = (receiver_id if receiver_id is not None else self.receiver_ids[0]).encode("utf-8")
        plain = prefix + struct.pack(">I", len(msg)) + msg + receiver
        pad = BLOCK - len(plain) % BLOCK
        plain += bytes([pad]) * pad
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode("ascii")

    # -- both together ---------------------------------------------------------------------------
    def open(self, signature: str, timestamp: str, nonce: str, encrypt: str) -> str:
        """Verify the signature, then decrypt; the order every official library uses."""
        self.verify(signature, timestamp, nonce, encrypt)
        message, _receiver = self.decrypt(encrypt)
        return message

    def seal(
        self,
        message: str,
        *,
        timestamp: str,
        nonce: str | None = None,
        receiver_id: str | None = None,
        random_prefix: bytes | None = None,
    ) -> Sealed:
        """Encrypt and sign ``message`` (an answer, or a test callback)."""
        nonce = nonce if nonce is not None else random_nonce(16)
        encrypt = self.encrypt(message, receiver_id=receiver_id, random_prefix=random_prefix)
        return Sealed(
            encrypt=encrypt, signature=self.signature(timestamp, nonce, encrypt), timestamp=timestamp, nonce=nonce
        )
