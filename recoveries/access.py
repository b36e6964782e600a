"""The only way views fetch recoveries and their parts: invisible → 404, visible but not allowed → 403."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from casework.access import parse_id
from organisation.models import User
from recoveries.models import Debtor, EnforcementApplication, Instalment, Recovery
from recoveries.services import VIEW


def access_recovery_by_id(user: User, recovery_id, *, perm: str = VIEW) -> Recovery:
    """Return the recovery (with its status) if the user may see it and holds perm on it."""
    recovery = Recovery.objects.visible_to(user).with_related().with_status().filter(pk=parse_id(recovery_id)).first()
    if recovery is None:
        raise Http404
    if perm != VIEW and not user.has_perm(perm, recovery):
        raise PermissionDenied
    return recovery


def access_debtor_by_id(debtor_id, *, recovery: Recovery) -> Debtor:
    """A debtor of a recovery already fetched through access_recovery_by_id; 404 for anyone else's."""
    debtor = Debtor.objects.filter(pk=parse_id(debtor_id), recovery=recovery).first()
    if debtor is None:
        raise Http404
    debtor.recovery = recovery
    return debtor


def access_instalment_by_id(instalment_id, *, recovery: Recovery) -> Instalment:
    instalment = Instalment.objects.filter(pk=parse_id(instalment_id), debtor__recovery=recovery).first()
    if instalment is None:
        raise Http404
    instalment.debtor.recovery = recovery
    return instalment


def access_application_by_id(application_id, *, recovery: Recovery) -> EnforcementApplication:
    application = EnforcementApplication.objects.filter(pk=parse_id(application_id), recovery=recovery).first()
    if application is None:
        raise Http404
    application.recovery = recovery
    return application
