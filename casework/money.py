"""Money is Decimal yuan with two places: every amount column is DecimalField(max_digits=14, decimal_places=2)."""

from decimal import Decimal

# The largest amount those columns hold.
MAX_YUAN = Decimal("999999999999.99")
