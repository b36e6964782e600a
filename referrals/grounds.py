"""The 移送情形 kept as data (referrals/data/grounds.json): loaded by a migration, editable in the admin."""

import json
from pathlib import Path

GROUNDS = Path(__file__).resolve().parent / "data" / "grounds.json"


def load_grounds(model) -> None:
    """Create or update the grounds of the data file (model: ReferralGround, or its migration state)."""
    for position, row in enumerate(json.loads(GROUNDS.read_text(encoding="utf-8")), start=1):
        model.objects.update_or_create(code=row["code"], defaults={**row, "position": position})
