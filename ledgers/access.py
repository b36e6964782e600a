"""The only way views fetch an obligation or a subject's money: invisible → 404, visible but not allowed → 403."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from casework.access import parse_id
from casework.models import Subject
from ledgers.models import Obligation
from ledgers.selectors import obligations_visible_to, subject_visible
from ledgers.services import may_record_payment
from organisation.models import User


def access_obligation_by_id(user: User, obligation_id, *, to_pay: bool = False) -> Obligation:
    """Return the obligation, with its balance, case, subject and agency, if the user may see it.

    to_pay: the user must also be allowed to record payments against it (ledgers.services.may_record_payment).
    """
    obligation = obligations_visible_to(user).filter(pk=parse_id(obligation_id)).with_balance().with_related().first()
    if obligation is None:
        raise Http404
    if to_pay and not may_record_payment(user, obligation):
        raise PermissionDenied
    return obligation


def access_subject_money(user: User, subject_id) -> Subject:
    """Return the subject if its money page is open to the user (ledgers.selectors.subject_visible)."""
    subject = Subject.objects.filter(pk=parse_id(subject_id)).select_related("region").first()
    if subject is None or not subject_visible(user, subject):
        raise Http404
    return subject
