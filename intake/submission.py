"""Receiving a report: validate everything, then register its lead (into triage) and the report in one
transaction, so a rejected report leaves nothing behind.
"""

import datetime
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.errors import InvalidInput
from casework.models import Subject
from casework.models.subjects import id_check_digit
from casework.money import parse_yuan
from intake import attachments, codes
from intake.crypto import encrypt_identity
from intake.models import Report
from intake.services import report_attach_files
from organisation.models import Agency, Region, User
from workflows.triage import triage_start

DESCRIPTION_MIN, DESCRIPTION_MAX = 10, 20000
CHANNEL_SOURCE = {Report.Channel.SUPERIOR: "superior", Report.Channel.ASSIST_REQUEST: "assist_request"}
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|12393|\d{7,8})$")


@dataclass
class Received:
    report: Report
    secret: str  # shown once, never stored


def report_regions():
    """Regions (统筹区) a member of the public can report to: those served by a medical security bureau."""
    served = Agency.objects.filter(kind=Agency.Kind.BUREAU).values("region")
    return (
        Region.objects.exclude(level=Region.Level.PROVINCE)
        .filter(Q(pk__in=served) | Q(parent__in=served))
        .order_by("code")
    )


def bureau_for_region(region: Region) -> Agency | None:
    """The medical security bureau that handles reports for a region: its own, else its city's."""
    for node in region.ancestors_and_self():
        if node.level == Region.Level.PROVINCE:
            return None
        bureau = Agency.objects.filter(region=node, kind=Agency.Kind.BUREAU).first()
        if bureau is not None:
            return bureau
    return None


def _parse_date(value, field: str, errors: dict) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        errors[field] = [_("Enter a date as YYYY-MM-DD.")]
        return None


def _parse_amount(value, errors: dict) -> Decimal | None:
    """Optional; zero allowed (the reporter may not know an amount yet)."""
    if value in (None, ""):
        return None
    try:
        return parse_yuan(value, field="amount_estimate", allow_zero=True)
    except InvalidInput as error:
        errors.update(error.errors)
        return None


def check_reporter(reporter: dict | None, errors: dict) -> dict:
    """A named reporter gives a name and a phone number; an ID number and e-mail are checked when given."""
    reporter = {key: str(value).strip() for key, value in (reporter or {}).items() if value is not None}
    field_errors = {}
    if not reporter.get("name"):
        field_errors["name"] = _("Give your name, or choose to report anonymously.")
    elif len(reporter["name"]) > 50:
        field_errors["name"] = _("At most 50 characters.")
    phone = re.sub(r"\s", "", reporter.get("phone", ""))
    if not phone:
        field_errors["phone"] = _("Give a phone number so the bureau can reach you.")
    elif not PHONE_RE.match(phone):
        field_errors["phone"] = _("Enter a mobile or landline number.")
    id_number = reporter.get("id_number", "").upper()
    if id_number and not (re.fullmatch(r"\d{17}[\dX]", id_number) and id_check_digit(id_number[:17]) == id_number[17]):
        field_errors["id_number"] = _("This is not a valid citizen ID number.")
    email = reporter.get("email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            field_errors["email"] = _("Enter a valid e-mail address.")
    if len(reporter.get("address", "")) > 200:
        field_errors["address"] = _("At most 200 characters.")
    for field, message in field_errors.items():
        errors[f"reporter.{field}"] = [message]
    return {**reporter, "phone": phone, "id_number": id_number}


def resolve_subject(*, kind: str, name: str, code: str, region: Region) -> Subject:
    """The registry subject the reporter means, or a new one marked 待核实 for the clerk to check."""
    regions = region.descendant_ids() | {node.pk for node in region.ancestors_and_self()}
    if code:
        found = Subject.objects.filter(kind=kind, code=code, region__in=regions).first()
        if found is not None:
            return found
    by_name = list(Subject.objects.filter(kind=kind, name=name, region__in=regions)[:2])
    if len(by_name) == 1:
        return by_name[0]
    if not code or Subject.objects.filter(kind=kind, code=code).exists():
        code = f"待核实-{uuid.uuid4().hex[:12]}"
    return Subject.objects.create(kind=kind, code=code, name=name, region=region, status=Subject.Status.TO_VERIFY)


def report_submit(
    *,
    region_code: str = "",
    agency: Agency | None = None,
    subject_kind: str,
    subject_name: str,
    description: str,
    subject_code: str = "",
    occurred_from=None,
    occurred_to=None,
    amount_estimate=None,
    anonymous: bool = True,
    reporter: dict | None = None,
    files=(),
    channel: str = Report.Channel.WEB,
    received_at: datetime.datetime | None = None,
    origin: str = "",
    by: User | None = None,
) -> Received:
    """Receive a report from the public page (region_code) or a clerk (agency, by, channel).

    Validates every field and checks attachments before writing; then registers the lead in
    triage, the report and its files in one transaction. Returns the report and its one-time secret.
    """
    errors: dict[str, list[str]] = {}
    region = None
    if agency is None:
        region = Region.objects.filter(code=str(region_code or "").strip()).first()
        agency = bureau_for_region(region) if region is not None else None
        if agency is None:
            errors["region"] = [_("Unknown region; choose the pooling region (统筹区) where it happened.")]
    else:
        region = agency.region
    if subject_kind not in Subject.Kind.values:
        errors["subject_kind"] = [_("Choose the kind of subject.")]
    subject_name = (subject_name or "").strip()
    if not subject_name:
        errors["subject_name"] = [_("Name the institution, pharmacy or person concerned.")]
    elif len(subject_name) > 120:
        errors["subject_name"] = [_("At most 120 characters.")]
    subject_code = (subject_code or "").strip()
    if len(subject_code) > 40:
        errors["subject_code"] = [_("At most 40 characters.")]
    description = (description or "").strip()
    if not DESCRIPTION_MIN <= len(description) <= DESCRIPTION_MAX:
        errors["description"] = [
            _("Describe what happened in %(min)d to %(max)d characters.")
            % {"min": DESCRIPTION_MIN, "max": DESCRIPTION_MAX}
        ]
    occurred_from = _parse_date(occurred_from, "occurred_from", errors)
    occurred_to = _parse_date(occurred_to, "occurred_to", errors)
    today = timezone.localdate()
    if occurred_from and occurred_from > today:
        errors["occurred_from"] = [_("This date lies in the future.")]
    if occurred_to and occurred_to > today:
        errors["occurred_to"] = [_("This date lies in the future.")]
    if occurred_from and occurred_to and occurred_from > occurred_to:
        errors["occurred_to"] = [_("The end lies before the start.")]
    amount = _parse_amount(amount_estimate, errors)
    if channel not in Report.Channel.values:
        errors["channel"] = [_("Choose how the report was received.")]
    if len(origin or "") > 200:
        errors["origin"] = [_("At most 200 characters.")]
    identity = {} if anonymous else check_reporter(reporter, errors)
    if errors:
        raise InvalidInput(errors=errors)
    checked = attachments.check_uploads(files)
    secret = codes.new_secret()
    try:
        with transaction.atomic():
            subject = resolve_subject(kind=subject_kind, name=subject_name, code=subject_code, region=region)
            lead = triage_start(
                agency=agency,
                source_kind=CHANNEL_SOURCE.get(channel, "report"),
                title=_title(channel, subject_name),
                description=description,
                subjects=[subject],
                received_at=received_at,
                amount_estimate=amount,
                by=by,
            )
            report = Report.objects.create(
                lead=lead,
                channel=channel,
                receipt_code=_unused_receipt_code(),
                secret_hash=codes.hash_secret(secret),
                anonymous=anonymous,
                identity_token=encrypt_identity(identity) if not anonymous else "",
                subject_kind=subject_kind,
                subject_name=subject_name,
                subject_code=subject_code,
                occurred_from=occurred_from,
                occurred_to=occurred_to,
                origin=(origin or "").strip(),
            )
            report_attach_files(report=report, checked=checked, by=by)
    finally:
        attachments.discard(checked)  # stored ones were moved away; this drops the rest
    return Received(report=report, secret=secret)


def _title(channel: str, subject_name: str) -> str:
    if channel == Report.Channel.SUPERIOR:
        return _("Assigned by superior: %(name)s") % {"name": subject_name}
    if channel == Report.Channel.ASSIST_REQUEST:
        return _("Assist request: %(name)s") % {"name": subject_name}
    return _("Report: %(name)s") % {"name": subject_name}


def _unused_receipt_code() -> str:
    """A fresh code; ~10^15 codes make a clash rare, and the unique index catches the rest."""
    for _attempt in range(5):
        code = codes.new_receipt_code()
        if not Report.objects.filter(receipt_code=code).exists():
            return code
    raise RuntimeError("could not draw an unused receipt code")
