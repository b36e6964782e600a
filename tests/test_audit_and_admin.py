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
