"""Receipt codes and secrets a reporter keeps to follow their report without an account."""

import re
import secrets

from django.contrib.auth.hashers import check_password, make_password

# No 0/O, 1/I/L: secrets are read off phones and paper.
SECRET_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SECRET_GROUPS, SECRET_GROUP_LENGTH = 6, 4  # 24 symbols ≈ 119 bits
# Hash checked when a code is unknown, so a wrong code costs the same time as a wrong secret.
_DUMMY_HASH = None


def luhn_digit(digits: str) -> str:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            value -= 9 if value > 9 else 0
        total += value
    return str((10 - total % 10) % 10)


def new_receipt_code() -> str:
    body = str(secrets.randbelow(9 * 10**14) + 10**14)
    return body + luhn_digit(body)


def normalise_receipt_code(value: str) -> str | None:
    """The 16 digits of a code as typed (spaces and dashes allowed), or None when it cannot be one."""
    digits = re.sub(r"[\s-]", "", value or "")
    if not re.fullmatch(r"\d{16}", digits) or luhn_digit(digits[:15]) != digits[15]:
        return None
    return digits


def new_secret() -> str:
    symbols = "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_GROUPS * SECRET_GROUP_LENGTH))
    return "-".join(symbols[i : i + SECRET_GROUP_LENGTH] for i in range(0, len(symbols), SECRET_GROUP_LENGTH))


def normalise_secret(value: str) -> str:
    return re.sub(r"[\s-]", "", (value or "")).upper()


def hash_secret(secret: str) -> str:
    return make_password(normalise_secret(secret))


def secret_matches(secret: str, secret_hash: str | None) -> bool:
    """Check a secret; with no hash (unknown code) spend the same work and answer False."""
    global _DUMMY_HASH
    if secret_hash is None:
        _DUMMY_HASH = _DUMMY_HASH or make_password(new_secret())
        check_password("x", _DUMMY_HASH)
        return False
    return check_password(normalise_secret(secret), secret_hash)
