"""Money is Decimal yuan with two places: every amount column is DecimalField(max_digits=14, decimal_places=2).

parse_yuan() is the one parser of yuan amounts typed by people or sent by programs (public reports, findings,
ledgers, screening hits); each caller states whether zero is allowed. Negative amounts never are.
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from casework.errors import InvalidInput

# The largest amount those columns hold.
MAX_YUAN = Decimal("999999999999.99")
CENT = Decimal("0.01")

# Plain decimal notation, optionally with thousands separators (12,345.60); no exponents, no NaN or Infinity.
_YUAN_TEXT = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")


def yuan_error(*, allow_zero: bool) -> str:
    """The message for any amount parse_yuan() refuses: the allowed form and the ceiling."""
    if allow_zero:
        return _("Enter an amount in yuan from 0 to %(max)s with at most two decimals, e.g. 12345.60.") % {
            "max": f"{MAX_YUAN:,}"
        }
    return _("Enter an amount in yuan above 0 and up to %(max)s with at most two decimals, e.g. 12345.60.") % {
        "max": f"{MAX_YUAN:,}"
    }


def parse_yuan(value, *, field: str, allow_zero: bool = False) -> Decimal:
    """A yuan amount as a Decimal with two places, from text, an int, a Decimal or a JSON number.

    Raises InvalidInput({field: [message]}) for anything else, a negative amount, zero unless allow_zero,
    more than two decimals, or more than MAX_YUAN. Never goes through float arithmetic.
    """
    amount = _decimal(value)
    if (
        amount is None
        or amount < 0
        or (amount == 0 and not allow_zero)
        or amount > MAX_YUAN
        or amount != amount.quantize(CENT)
    ):
        raise InvalidInput(errors={field: [yuan_error(allow_zero=allow_zero)]})
    return amount.quantize(CENT)


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, str):
            text = value.strip()
            if not _YUAN_TEXT.fullmatch(text):
                return None
            amount = Decimal(text.replace(",", ""))
        elif isinstance(value, Decimal | int):
            amount = Decimal(value)
        elif isinstance(value, float):
            amount = Decimal(repr(value))
        else:
            return None
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None
