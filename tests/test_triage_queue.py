"""Leads queued in bulk (screening hits) get exactly the flow rows a single start writes, and triage works on them."""

import pytest
from viewflow.workflow.models import Task

from casework.services import lead_register
from workflows.selectors import triage_inbox
from workflows.triage import TriageFlow, triage_decide, triage_queue

pytestmark = pytest.mark.django_db

TASK_FIELDS = (
    "flow_task",
    "flow_task_type",
    "status",
    "owner_id",
    "owner_permission",
    "owner_permission_content_type_id",
    "token",
    "data",
)


def _rows(lead):
    process = lead.triage_process
    tasks = list(Task.objects.filter(process=process).order_by("pk"))
    return (
        (str(process.flow_class), process.status, process.data),
        [tuple(str(getattr(task, field)) for field in TASK_FIELDS) for task in tasks],
        [task.owner_permission_obj_pk == str(lead.pk) for task in tasks if task.owner_permission],
        [[previous.flow_task for previous in task.previous.all()] for task in tasks],
    )


def _register(lyg_bureau, subject, alice):
    return lead_register(
        agency=lyg_bureau, source_kind="screen_hit", title="疑点", description="规则命中", subjects=[subject], by=alice
    )


def test_bulk_queue_writes_what_a_single_start_writes(lyg_bureau, subject, alice, django_assert_max_num_queries):
    single = _register(lyg_bureau, subject, alice)
    TriageFlow.start.run(lead=single)
    bulk = [_register(lyg_bureau, subject, alice) for _ in range(30)]
    from django.db import transaction

    with transaction.atomic(), django_assert_max_num_queries(6):
        triage_queue(bulk)
    for lead in bulk:
        lead.refresh_from_db()
        assert _rows(lead) == _rows(single)


def test_bulk_queued_leads_are_triaged_like_any_other(lyg_bureau, subject, alice, charlie):
    from django.db import transaction

    leads = [_register(lyg_bureau, subject, alice) for _ in range(3)]
    with transaction.atomic():
        triage_queue(leads)
    inbox = list(triage_inbox(user=alice))
    assert {lead.pk for lead in inbox} == {lead.pk for lead in leads} and all(lead.task_id for lead in inbox)
    assert list(triage_inbox(user=charlie)) == []
    lead = triage_decide(lead=leads[0], by=alice, decision="open")
    assert lead.status == "opened" and lead.case.number.startswith("连医保立〔")
