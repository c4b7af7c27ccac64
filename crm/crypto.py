"""Encryption at rest for secrets (LinkedIn passwords, session cookies, LLM keys).

The key comes from FIELD_ENCRYPTION_KEY (a Fernet key). It is checked once at start-up: a missing
or malformed key stops the process with a clear message instead of storing plaintext.
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

GENERATE_HINT = (
    'generate one with: python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


class DecryptionError(Exception):
    """A stored secret cannot be decrypted with the configured key (the key changed)."""


@cache
def _fernet(key: str) -> Fernet:
    if not key:
        raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEY is not set; {GENERATE_HINT}")
    try:
        return Fernet(key.encode())
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            f"FIELD_ENCRYPTION_KEY is not a valid Fernet key (32 url-safe base64 bytes); {GENERATE_HINT}"
        ) from exc


def check_key() -> None:
    _fernet(settings.FIELD_ENCRYPTION_KEY)


def encrypt(plaintext: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("stored secret cannot be decrypted with FIELD_ENCRYPTION_KEY") from exc
