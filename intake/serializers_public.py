"""Shapes of the public report API (shared/api.md "Public reports"), and reading its loose input.

Field rules live in intake.submission; here input is only coerced to the types it expects,
so the API and the web page give the same messages.
"""

import json

from django.utils.translation import gettext as _
from rest_framework import serializers

from casework.errors import InvalidInput
from casework.models import Subject
from intake.crypto import IDENTITY_FIELDS
from intake.public import STATUS_CODES

REPORT_FIELDS = (
    "region",
    "subject_kind",
    "subject_name",
    "subject_code",
    "description",
    "occurred_from",
    "occurred_to",
    "amount_estimate",
)
TRUE, FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


class PublicReporterSerializer(serializers.Serializer):
    name = serializers.CharField()
    id_number = serializers.CharField(required=False, help_text="18-character citizen ID number (GB 11643).")
    phone = serializers.CharField()
    email = serializers.EmailField(required=False)


class PublicReportRequestSerializer(serializers.Serializer):
    region = serializers.CharField(help_text="Pooling region (统筹区) code, e.g. 320700.")
    subject_kind = serializers.ChoiceField(choices=Subject.Kind.choices)
    subject_name = serializers.CharField(max_length=120)
    subject_code = serializers.CharField(max_length=40, required=False)
    description = serializers.CharField(min_length=10, max_length=20000)
    occurred_from = serializers.DateField(required=False)
    occurred_to = serializers.DateField(required=False)
    amount_estimate = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    anonymous = serializers.BooleanField(default=True)
    reporter = PublicReporterSerializer(required=False, help_text="Required when anonymous is false.")


class PublicReportMultipartSerializer(PublicReportRequestSerializer):
    reporter = serializers.CharField(required=False, help_text="The reporter object as a JSON string.")
    files = serializers.ListField(child=serializers.FileField(), required=False)


STATUS_HELP = "One of: " + ", ".join(STATUS_CODES) + "."


class PublicReportReceivedSerializer(serializers.Serializer):
    receipt_code = serializers.CharField(help_text="16 digits; the last is a Luhn check digit.")
    secret = serializers.CharField(help_text="Shown once; the server keeps only a hash.")
    status = serializers.CharField(help_text=STATUS_HELP)


class PublicMessageSerializer(serializers.Serializer):
    # "from" is a Python keyword: declared through the class namespace.
    locals()["from"] = serializers.CharField(source="sender", help_text="reporter or agency")
    body = serializers.CharField()
    sent_at = serializers.DateTimeField()


class PublicRewardSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["to_claim", "claimed", "paid", "forfeited"],
        help_text="to_claim: claim it by claim_deadline at the bureau with the receipt code and an ID card; "
        "claimed: being paid; paid; forfeited: not claimed in time.",
    )
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    claim_deadline = serializers.DateField()
    paid_on = serializers.DateField(allow_null=True)


class PublicStatusSerializer(serializers.Serializer):
    receipt_code = serializers.CharField()
    status = serializers.CharField(help_text=STATUS_HELP)
    status_display = serializers.CharField(help_text="The status in plain words for the reporter.")
    received_at = serializers.DateTimeField()
    messages = PublicMessageSerializer(many=True)
    reward = PublicRewardSerializer(
        allow_null=True, help_text="The reporting reward once the reporter was told; else null."
    )


class PublicMessageRequestSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=5000)


class PublicMessageMultipartSerializer(PublicMessageRequestSerializer):
    files = serializers.ListField(child=serializers.FileField(), required=False)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


def _text(data, field: str, errors: dict) -> str:
    value = data.get(field)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        errors[field] = [_("Enter text.")]
        return ""
    return str(value)


def _anonymous(data, errors: dict) -> bool:
    value = data.get("anonymous")
    if value is None or value == "":
        return True
    if isinstance(value, bool):
        return value
    if str(value).strip().lower() in TRUE:
        return True
    if str(value).strip().lower() in FALSE:
        return False
    errors["anonymous"] = [_("Answer true or false.")]
    return True


def _reporter(data, errors: dict) -> dict:
    """The reporter object: a JSON object, a JSON string (multipart), or reporter.<field> form fields."""
    value = data.get("reporter")
    if value in (None, ""):
        return {field: data.get(f"reporter.{field}") or "" for field in IDENTITY_FIELDS if f"reporter.{field}" in data}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    if not isinstance(value, dict):
        errors["reporter"] = [_("Give the reporter as an object with name, id_number, phone and email.")]
        return {}
    return {field: value[field] for field in IDENTITY_FIELDS if isinstance(value.get(field), str | int)}


def report_input(data) -> dict:
    """Keyword arguments for intake.submission.report_submit from a request's data (files apart)."""
    if not hasattr(data, "get"):
        raise InvalidInput(_("Send the report as a JSON object."))
    errors: dict[str, list[str]] = {}
    values = {field: _text(data, field, errors) for field in REPORT_FIELDS}
    anonymous = _anonymous(data, errors)
    reporter = {} if anonymous else _reporter(data, errors)
    if errors:
        raise InvalidInput(errors=errors)
    region = values.pop("region")
    return {**values, "region_code": region, "anonymous": anonymous, "reporter": reporter}


def message_body(data) -> str:
    if not hasattr(data, "get"):
        raise InvalidInput(_("Send the message as a JSON object."))
    errors: dict[str, list[str]] = {}
    body = _text(data, "body", errors)
    if errors:
        raise InvalidInput(errors=errors)
    return body
