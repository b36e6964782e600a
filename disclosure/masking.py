"""Personal data on the public page: persons' names reduced to a surname and 某; ID and mobile numbers removed."""

import re

PERSON_KINDS = frozenset({"insured", "practitioner"})

COMPOUND_SURNAMES = frozenset(
    {
        "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙",
        "慕容", "长孙", "宇文", "司徒", "夏侯", "端木", "令狐",
    }
)  # fmt: skip
MASK = "某"
REDACTED = "***"

# An 18-character ID number, whole or partly starred (3207**********1234); and a mainland mobile number.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z*])[0-9*]{17}[0-9Xx*](?![0-9A-Za-z*])")
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9][- ]?[0-9]{4}[- ]?[0-9]{4}(?![0-9])")


def mask_person(name: str) -> str:
    """张三 → 张某, 欧阳修 → 欧阳某; an empty name stays empty."""
    name = (name or "").strip()
    if not name:
        return ""
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]
    return surname + MASK


def _id_number(match: re.Match) -> str:
    text = match.group(0)
    return REDACTED if sum(ch.isdigit() for ch in text) >= 4 else text


def redact(text: str) -> str:
    """Replace anything that looks like an ID number or a mobile number with ***."""
    if not text:
        return text
    return _MOBILE.sub(REDACTED, _ID_NUMBER.sub(_id_number, text))


def redact_names(text: str, names: dict[str, str]) -> str:
    """Replace each full name (longest first) with its masked form, then redact numbers."""
    for full in sorted(names, key=len, reverse=True):
        if full:
            text = text.replace(full, names[full])
    return redact(text)


def redact_structure(value):
    """redact() applied to every string inside a JSON-like value (the draw record)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [redact_structure(item) for item in value]
    if isinstance(value, dict):
        return {key: redact_structure(item) for key, item in value.items()}
    return value
