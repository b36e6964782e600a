"""反向移送: a partner agency (police, procuratorate, court, 纪委监委, 卫健, 市场监管) sends the bureau a
lead — e.g. administrative handling of a case the police did not file. It arrives in the bureau's
triage like any lead, with the decision deadline; the sender sees what it sent and its status only."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from casework.errors import InvalidInput
from casework.models import Lead, Subject
from config.live import notify_users
from intake.submission import resolve_subject
from organisation.models import Agency, User
from organisation.roles import Role
from organisation.services import agency_user_ids
from referrals.models import CounterReferral, Referral
from workflows.triage import triage_start

PARTNER_KINDS = (
    Agency.Kind.POLICE,
    Agency.Kind.PROCURATORATE,
    Agency.Kind.COURT,
    Agency.Kind.DISCIPLINE,
    Agency.Kind.HEALTH,
    Agency.Kind.MARKET,
)


def may_send(user: User) -> bool:
    return bool(user.is_authenticated and user.agency_id and user.has_role(Role.LIAISON)) and (
        user.agency.kind in PARTNER_KINDS
    )


def bureaus_for(user: User):
    """The medical security bureaus of the liaison's region and the regions above and below it."""
    region = user.agency.region
    regions = region.descendant_ids() | {node.pk for node in region.ancestors_and_self()}
    return Agency.objects.filter(kind=Agency.Kind.BUREAU, region__in=regions).order_by("code")


def related_referrals(user: User):
    """Referrals the liaison's agency received, which a counter-referral may refer back to."""
    return Referral.objects.handled_by(user).with_related().order_by("-sent_at")


def counter_referral_submit(
    *,
    by: User,
    bureau_code: str,
    subject_kind: str,
    subject_name: str,
    subject_code: str = "",
    title: str,
    description: str,
    reference: str = "",
    referral: Referral | None = None,
) -> CounterReferral:
    if not may_send(by):
        raise PermissionDenied
    errors: dict = {}
    bureau = bureaus_for(by).filter(code=(bureau_code or "").strip()).first()
    if bureau is None:
        errors["bureau"] = [_("Choose the medical security bureau of your region.")]
    if subject_kind not in Subject.Kind.values:
        errors["subject_kind"] = [_("Choose the kind of subject.")]
    if not (subject_name or "").strip():
        errors["subject_name"] = [_("Name the institution, pharmacy or person concerned.")]
    if not (title or "").strip():
        errors["title"] = [_("This field is required.")]
    if not (description or "").strip():
        errors["description"] = [_("Describe the facts and what the bureau should handle.")]
    if referral is not None and not related_referrals(by).filter(pk=referral.pk).exists():
        errors["referral"] = [_("Choose a referral your agency received.")]
    if errors:
        raise InvalidInput(errors=errors)
    with transaction.atomic():
        subject = resolve_subject(
            kind=subject_kind,
            name=subject_name.strip()[:120],
            code=(subject_code or "").strip()[:40],
            region=bureau.region,
        )
        lead = triage_start(
            agency=bureau,
            source_kind=Lead.SourceKind.REFERRAL,
            title=title.strip()[:200],
            description=description.strip(),
            subjects=[subject],
            by=by,
        )
        sent = CounterReferral.objects.create(
            lead=lead,
            from_agency=by.agency,
            referral=referral,
            reference=(reference or "").strip()[:100],
            submitted_by=by,
        )
        notify_users(
            agency_user_ids(bureau.pk, [Role.SECTION_HEAD, Role.DIRECTOR]),
            event_type="referral.received",
            id=lead.pk,
            title=_("Lead referred by %(agency)s: %(title)s") % {"agency": by.agency.name, "title": lead.title},
            url=f"/leads/{lead.pk}/",
        )
    return sent
