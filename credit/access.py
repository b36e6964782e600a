"""Who reads and who manages credit records. Credit follows the subject's region, not a case's owner:
staff of the bureau, the handling agency and the partner agencies of the subject's region or a region above
it read; the bureau of the subject's region (its section heads and head) lifts listings and records measures.
Anyone else gets a 404, as if the subject were unknown."""

from django.http import Http404

from casework.models import Subject
from organisation.models import Agency, Region, User
from organisation.roles import Role

READER_AGENCY_KINDS = frozenset(
    {
        Agency.Kind.BUREAU,
        Agency.Kind.INSURANCE_AGENCY,
        Agency.Kind.POLICE,
        Agency.Kind.PROCURATORATE,
        Agency.Kind.COURT,
        Agency.Kind.DISCIPLINE,
        Agency.Kind.HEALTH,
        Agency.Kind.MARKET,
    }
)
MANAGER_ROLES = frozenset({Role.SECTION_HEAD, Role.DIRECTOR})
# Kinds with a credit page; "other" subjects have none.
CREDIT_KINDS = (Subject.Kind.INSURED, Subject.Kind.PRACTITIONER, Subject.Kind.PHARMACY, Subject.Kind.INSTITUTION)


def is_reader(user: User) -> bool:
    """A signed-in member of a reading agency with a role other than a screening service account."""
    if not user.is_authenticated or user.agency_id is None:
        return False
    if user.agency.kind not in READER_AGENCY_KINDS:
        return False
    return bool(user.roles - {Role.SCREENING_SERVICE})


def may_read(user: User, region: Region) -> bool:
    return is_reader(user) and user.agency.region_id in {node.pk for node in region.ancestors_and_self()}


def readable_region_ids(user: User) -> set[int]:
    """The regions whose subjects the user may read: the agency's region and those below it."""
    if not is_reader(user):
        return set()
    return user.agency.region.descendant_ids()


def managing_region(region: Region) -> Region | None:
    """The nearest region, from region upwards, that has a bureau: its bureau manages the credit records."""
    chain = region.ancestors_and_self()
    with_bureau = set(
        Agency.objects.filter(region__in=[n.pk for n in chain], kind=Agency.Kind.BUREAU).values_list(
            "region_id", flat=True
        )
    )
    return next((node for node in chain if node.pk in with_bureau), None)


def may_manage(user: User, subject: Subject) -> bool:
    """Section heads and the head of the bureau managing the subject's region."""
    if not user.is_authenticated or user.agency_id is None or user.agency.kind != Agency.Kind.BUREAU:
        return False
    if not user.roles & MANAGER_ROLES:
        return False
    region = managing_region(subject.region)
    return region is not None and region.pk == user.agency.region_id


def access_subject_credit(user: User, kind: str, code: str) -> Subject:
    """The subject of kind and code if the user may read its credit; 404 otherwise (unknown kinds too)."""
    if kind not in CREDIT_KINDS:
        raise Http404
    subject = Subject.objects.select_related("region").filter(kind=kind, code=code).first()
    if subject is None or not may_read(user, subject.region):
        raise Http404
    return subject
