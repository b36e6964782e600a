"""The audit trail records who changed what; admin holds the reference data."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from casework.models import Case, Lead
from workflows.triage import triage_decide

pytestmark = pytest.mark.django_db


def test_api_triage_is_audited_with_the_actor(api_as, alice, lead):
    api_as(alice).post(f"/api/v1/leads/{lead.pk}/triage/", {"decision": "open"}, format="json")
    lead.refresh_from_db()
    lead_changes = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Lead), object_pk=str(lead.pk), action=LogEntry.Action.UPDATE
    )
    assert lead_changes.filter(actor=alice).exists()
    assert "opened" in str(lead_changes.latest("timestamp").changes)
    case_created = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Case),
        object_pk=str(lead.case_id),
        action=LogEntry.Action.CREATE,
    )
    assert case_created.actor == alice


def test_registration_is_audited(make_lead, alice):
    lead = make_lead()
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Lead), object_pk=str(lead.pk), action=LogEntry.Action.CREATE
    )
    assert entry.actor == alice


def test_admin_lists_reference_data_and_documents_are_read_only(admin_client, lead, alice):
    triage_decide(lead=lead, by=alice, decision="dismiss", reason="不属实")
    for url in (
        "/admin/casework/violationitem/",
        "/admin/casework/holidaycalendar/",
        "/admin/casework/subject/",
        "/admin/organisation/agency/",
        "/admin/documents/document/",
    ):
        assert admin_client.get(url).status_code == 200, url
    content = admin_client.get("/admin/casework/violationitem/").content.decode()
    assert "挂床住院" in content
    assert admin_client.get("/admin/documents/document/add/").status_code == 403


def _actor_receivers():
    from django.db.models.signals import pre_save

    return [key for key, *_ in pre_save.receivers if isinstance(key[0], tuple) and key[0][:1] == ("set_actor",)]


def test_nested_acting_attributes_each_change_and_leaves_no_receiver_behind(make_lead, alice, bob):
    from auditlog.models import LogEntry

    from casework.audit import acting
    from casework.models import Lead

    before = len(_actor_receivers())
    lead = make_lead()

    def retitle(title):
        row = Lead.objects.get(pk=lead.pk)
        row.title = title
        row.save()

    with acting(alice):
        with acting(bob):
            retitle("乙改")  # bob's change
        retitle("甲改")  # alice's again
    actors = list(
        LogEntry.objects.get_for_object(Lead.objects.get(pk=lead.pk))
        .order_by("pk")
        .values_list("actor__username", flat=True)
    )
    assert actors[-2:] == ["bob", "alice"]
    assert len(_actor_receivers()) == before


def test_requests_calling_services_leave_no_audit_receiver_behind(client, make_lead, alice):
    from django.urls import reverse

    client.force_login(alice)
    from casework.models import Case
    from workflows.triage import triage_decide

    cases = [triage_decide(lead=make_lead(title=f"线索{i}"), by=alice, decision="open").case for i in range(3)]
    before = len(_actor_receivers())
    for case in cases:
        # The service's acting() runs inside the middleware's audit context.
        assert client.post(reverse("case-withdraw", args=[case.pk]), {"reason": "重复立案"}).status_code == 302
    assert len(_actor_receivers()) == before
    assert set(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("status", flat=True)) == {"withdrawn"}
