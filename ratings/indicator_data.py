"""The indicator list kept in ratings/data/pharmacy_indicators.json (used by the data migration and tests)."""

import json
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "pharmacy_indicators.json"


def indicator_rows() -> list[dict]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))["indicators"]


def load_indicators(Indicator) -> None:
    """Create or update the indicators of the data file (by code); edits made in the admin to other fields stay
    only until the next load."""
    for row in indicator_rows():
        fields = {key: value for key, value in row.items() if key != "code"}
        Indicator.objects.update_or_create(code=row["code"], defaults=fields)
