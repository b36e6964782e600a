"""Who sees a referral, and the only way views fetch one: invisible → 404, visible but not allowed → 403.

The sending bureau's roles and the auditors above hold their permissions from the start
(organisation.roles); the receiving agency's liaisons get view + handle when it is sent, and lose
them when they forward it; the procuratorate's liaisons read police referrals (their copy of the
移送书) and may supervise once the bureau asks them to.
"""

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.http import Http404

from casework.access import parse_id
from organisation.models import Agency, RoleGroup, User
from organisation.roles import Role
from referrals.models import Referral, ReferralGroupObjectPermission

VIEW = "referrals.view_referral"
RECEIVER_PERMS = ("view_referral", "handle_referral")


def _liaison_groups(agency: Agency) -> list[int]:
    from organisation.services import role_group_ensure

    role_group_ensure(agency=agency, role=Role.LIAISON)
    return list(RoleGroup.objects.filter(agency=agency, role=Role.LIAISON).values_list("group_id", flat=True))


def _grant(referral: Referral, agency: Agency, codenames) -> None:
    perms = Permission.objects.filter(content_type__app_label="referrals", codename__in=codenames)
    ReferralGroupObjectPermission.objects.bulk_create(
        [
            ReferralGroupObjectPermission(group_id=group_id, permission=perm, content_object=referral)
            for group_id in _liaison_groups(agency)
            for perm in perms
        ],
        ignore_conflicts=True,
    )


def grant_receiver_access(referral: Referral, agency: Agency) -> None:
    _grant(referral, agency, RECEIVER_PERMS)


def move_receiver_access(referral: Referral, source: Agency, target: Agency) -> None:
    """Forwarding: the agency that passed it on sees it no more; the competent agency does."""
    ReferralGroupObjectPermission.objects.filter(
        content_object=referral,
        group_id__in=_liaison_groups(source),
        permission__codename__in=RECEIVER_PERMS,
    ).delete()
    grant_receiver_access(referral, target)


def grant_procuratorate_access(referral: Referral, *, supervise: bool = False) -> None:
    _grant(
        referral, referral.procuratorate, ("view_referral", "supervise_referral") if supervise else ("view_referral",)
    )


def access_referral_by_id(user: User, referral_id, *, perm: str = VIEW) -> Referral:
    """Return the referral if the user may see it and holds perm on it."""
    referral = Referral.objects.visible_to(user).with_related().filter(pk=parse_id(referral_id)).first()
    if referral is None:
        raise Http404
    if perm != VIEW and not user.has_perm(perm, referral):
        raise PermissionDenied
    return referral


def is_sender(user: User, referral: Referral) -> bool:
    return user.has_perm("referrals.change_referral", referral)


def is_receiver(user: User, referral: Referral) -> bool:
    return user.has_perm("referrals.handle_referral", referral)
