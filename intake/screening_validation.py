"""Validation of screening hits as sent (API JSON or file rows): one hit at a time, errors per field.

Messages are gettext msgids; subject fields are reported as subject.kind, subject.code, subject.name.
"""

import datetime
import json
import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from casework.errors import InvalidInput
from casework.models import Subject
from casework.money import parse_yuan

TEXT_LIMITS = {"source": 40, "external_id": 80, "rule_code": 40, "rule_name": 120}
SUBJECT_LIMITS = {"code": 40, "name": 120}
DETAILS_MAX_CHARS = 20_000
DETAILS_MAX_DEPTH = 10
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Subject.Kind.values builds its list anew on every access; validation reads it once per hit.
SUBJECT_KINDS = frozenset(Subject.Kind.values)


@dataclass
class Hit:
    """One validated hit, its subject key, and (once planned) its subject and lead."""

    index: int
    source: str
    external_id: str
    rule_code: str
    rule_name: str
    kind: str
    code: str
    name: str
    period_from: datetime.date | None
    period_to: datetime.date | None
    amount: Decimal | None
    details: dict
    subject_id: int | None = None
    lead_id: int | None = None

    @property
    def key(self) -> tuple[str, str]:
        return self.source, self.external_id


def validate_hit(index: int, raw) -> tuple[Hit | None, dict[str, list[str]]]:
    """Check one hit as sent; return it cleaned, or the errors per field (subject fields as subject.kind)."""
    if not isinstance(raw, dict):
        return None, {"non_field_errors": [_("Each hit must be an object.")]}
    errors: dict[str, list[str]] = {}
    values = {}
    for name, limit in TEXT_LIMITS.items():
        values[name] = _text(raw.get(name), limit, errors, name)
    subject = raw.get("subject")
    if not isinstance(subject, dict):
        errors["subject"] = [_("Give the subject as an object with kind, code and name.")]
        subject = {}
    kind = subject.get("kind")
    if not isinstance(kind, str) or kind not in SUBJECT_KINDS:
        errors["subject.kind"] = [_("Choose one of: %(kinds)s.") % {"kinds": ", ".join(Subject.Kind.values)}]
    for name, limit in SUBJECT_LIMITS.items():
        values[name] = _text(subject.get(name), limit, errors, f"subject.{name}")
    period_from = _date(raw.get("period_from"), errors, "period_from")
    period_to = _date(raw.get("period_to"), errors, "period_to")
    if period_from and period_to and period_from > period_to:
        errors["period_to"] = [_("The end of the period cannot be before its start.")]
    amount = _amount(raw.get("amount"), errors)
    details = _details(raw.get("details"), errors)
    if errors:
        return None, errors
    return Hit(
        index=index,
        kind=kind,
        period_from=period_from,
        period_to=period_to,
        amount=amount,
        details=details,
        **values,
    ), {}


def _storable(text: str) -> bool:
    """PostgreSQL refuses NUL characters, and UTF-8 lone surrogates (which JSON lets through)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _text(value, limit: int, errors: dict, name: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None or value == "":
        errors[name] = [_("This field is required.")]
        return ""
    if not isinstance(value, str):
        errors[name] = [_("Enter text.")]
        return ""
    text = value.strip()
    if not text:
        errors[name] = [_("This field is required.")]
    elif len(text) > limit:
        errors[name] = [_("At most %(count)d characters.") % {"count": limit}]
    elif not _storable(text):
        errors[name] = [_("Contains characters that cannot be stored.")]
    return text


def _date(value, errors: dict, name: str) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and ISO_DATE.fullmatch(value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    errors[name] = [_("Enter a date as YYYY-MM-DD.")]
    return None


def _amount(value, errors: dict) -> Decimal | None:
    """Optional; zero allowed (a hit may flag a pattern before any money is known); a string or JSON number."""
    if value is None or value == "":
        return None
    try:
        return parse_yuan(value, field="amount", allow_zero=True)
    except InvalidInput as error:
        errors.update(error.errors)
        return None


def _details(value, errors: dict) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors["details"] = [_("Give the details as an object.")]
        return {}
    try:
        plain = _plain(value, 0)
        size = len(json.dumps(plain, ensure_ascii=False))
    except ValueError:
        errors["details"] = [_("The details are nested too deeply or contain characters that cannot be stored.")]
        return {}
    if size > DETAILS_MAX_CHARS:
        errors["details"] = [
            _("The details are too long (at most %(count)d characters).") % {"count": DETAILS_MAX_CHARS}
        ]
        return {}
    return plain


def _plain(value, depth: int):
    """A JSON-storable copy: JSON numbers read as Decimal become int or float (details are informative only)."""
    if depth > DETAILS_MAX_DEPTH:
        raise ValueError("too deep")
    if isinstance(value, dict):
        return {_plain_text(str(key)): _plain(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item, depth + 1) for item in value]
    if isinstance(value, str):
        return _plain_text(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("not finite")
        return int(value) if value == value.to_integral_value() and abs(value) < 2**53 else float(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    return _plain_text(str(value))


def _plain_text(text: str) -> str:
    if not _storable(text):
        raise ValueError("not storable")
    return text
