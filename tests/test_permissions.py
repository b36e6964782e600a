"""Object permissions by role: what each kind of user sees and may do, and that it stays consistent."""

import pytest

from casework.models import Case, Lead
from organisation.roles import Role
from organisation.services import user_set_roles
from tests.factories import UserFactory
from workflows.triage import triage_decide

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(make_lead, alice, charlie, cz_bureau, cz_region):
    from tests.factories import SubjectFactory
    from workflows.triage import triage_start

    lyg_case = triage_decide(lead=make_lead(), by=alice, decision="open").case
    lyg_pending = make_lead(title="待研判")
    cz_lead = triage_start(
        agency=cz_bureau,
        source_kind="report",
        title="常州线索",
        description="d",
        subjects=[SubjectFactory(region=cz_region)],
        by=charlie,
    )
    return lyg_case, lyg_pending, cz_lead


def test_province_auditor_reads_both_cities_but_cannot_act(auditor, records):
    lyg_case, lyg_pending, cz_lead = records
    assert set(Lead.objects.visible_to(auditor)) == set(Lead.objects.all())
    assert list(Case.objects.visible_to(auditor)) == [lyg_case]
    assert not Lead.objects.triageable_by(auditor).exists()
    assert not auditor.has_perm("casework.decide_case", lyg_case)


def test_police_liaison_sees_no_lead_or_case(police, records):
    assert not Lead.objects.visible_to(police).exists()
    assert not Case.objects.visible_to(police).exists()


def test_a_role_group_created_later_gets_the_existing_records(lyg_bureau, records):
    lyg_case, lyg_pending, cz_lead = records
    legal = UserFactory(agency=lyg_bureau, roles=[Role.LEGAL_REVIEWER])  # first legal reviewer of the bureau
    assert set(Lead.objects.visible_to(legal)) == set(Lead.objects.filter(agency=lyg_bureau))
    assert list(Case.objects.visible_to(legal)) == [lyg_case]


def test_losing_the_role_loses_access_at_once(alice, records):
    lyg_case, lyg_pending, cz_lead = records
    user_set_roles(user=alice, roles=[])
    assert not Lead.objects.visible_to(alice).exists()
    assert not Case.objects.visible_to(alice).exists()


def test_visible_to_agrees_with_has_perm(alice, bob, clerk, charlie, police, auditor, records):
    from django.contrib.auth import get_user_model

    for user in (alice, bob, clerk, charlie, police, auditor):
        user = get_user_model().objects.get(pk=user.pk)  # fresh permission caches
        for lead in Lead.objects.all():
            assert Lead.objects.visible_to(user).filter(pk=lead.pk).exists() == user.has_perm(
                "casework.view_lead", lead
            ), (user, lead)
            assert Lead.objects.triageable_by(user).filter(pk=lead.pk).exists() == user.has_perm(
                "casework.triage_lead", lead
            ), (user, lead)
        for case in Case.objects.all():
            assert Case.objects.visible_to(user).filter(pk=case.pk).exists() == user.has_perm(
                "casework.view_case", case
            ), (user, case)


def test_anonymous_sees_nothing(records):
    from django.contrib.auth.models import AnonymousUser

    assert not Lead.objects.visible_to(AnonymousUser()).exists()
    assert not Case.objects.visible_to(AnonymousUser()).exists()
