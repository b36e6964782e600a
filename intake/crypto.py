"""Reporter identity encrypted at rest (条例 Art.35) with keys from the environment.

REPORTER_IDENTITY_KEYS holds one or more Fernet keys, newest first: new tokens use the first,
all of them decrypt, and `manage.py rotate_reporter_keys` re-encrypts old tokens with the first.
Without it the key is derived from SECRET_KEY, which is fine for a demo and logged as a warning.
"""

import base64
import json
import logging
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

logger = logging.getLogger(__name__)

IDENTITY_FIELDS = ("name", "id_number", "phone", "email", "address")


class IdentityUnreadable(Exception):
    """The token was made with a key that is no longer configured."""


@cache
def _fernet() -> MultiFernet:
    keys = [key for key in settings.REPORTER_IDENTITY_KEYS if key]
    if not keys:
        logger.warning("REPORTER_IDENTITY_KEYS is not set; deriving the reporter-identity key from SECRET_KEY.")
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"reporter-identity").derive(
            settings.SECRET_KEY.encode()
        )
        keys = [base64.urlsafe_b64encode(derived).decode()]
    return MultiFernet([Fernet(key) for key in keys])


def encrypt_identity(identity: dict) -> str:
    return encrypt_fields({field: identity.get(field) or "" for field in IDENTITY_FIELDS})


def decrypt_identity(token: str) -> dict:
    return decrypt_fields(token)


def encrypt_fields(fields: dict) -> str:
    """Any confidential text fields (a reward's claimant, the payee's bank details), with the same keys."""
    clean = {key: str(value or "").strip() for key, value in fields.items()}
    return _fernet().encrypt(json.dumps(clean, ensure_ascii=False).encode()).decode()


def decrypt_fields(token: str) -> dict:
    if not token:
        return {}
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken as exc:
        raise IdentityUnreadable from exc


def rotate_token(token: str) -> str:
    """Re-encrypt a token with the newest key."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise IdentityUnreadable from exc


def reset_key_cache() -> None:
    _fernet.cache_clear()
