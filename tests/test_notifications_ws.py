"""The live-notification socket: signed-in users get their own events; anonymous is refused."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels.testing.websocket import WebsocketCommunicator

from config.asgi import application
from config.consumers import user_group

pytestmark = pytest.mark.django_db(transaction=True)


def _session_cookie(client, user) -> list[tuple[bytes, bytes]]:
    client.force_login(user)
    return [(b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()), (b"origin", b"http://127.0.0.1")]


async def _connect(headers):
    communicator = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
    connected, _ = await communicator.connect()
    return communicator, connected


def test_signed_in_user_receives_only_own_events(client, alice, bob):
    headers = _session_cookie(client, alice)

    async def scenario():
        communicator, connected = await _connect(headers)
        assert connected
        layer = get_channel_layer()
        event = {"type": "task.assigned", "id": 7, "title": "研判线索", "url": "/tasks/7/"}
        await layer.group_send(user_group(bob.pk), {"type": "notify", "event": {**event, "id": 8}})
        await layer.group_send(user_group(alice.pk), {"type": "notify", "event": event})
        assert await communicator.receive_json_from(timeout=2) == event
        assert await communicator.receive_nothing(timeout=0.2)
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_anonymous_is_refused(db):
    async def scenario():
        communicator, connected = await _connect([(b"origin", b"http://127.0.0.1")])
        assert not connected

    async_to_sync(scenario)()


# task.assigned: sent by workflows.task_events after the transaction that created the task commits.


def _headers_for(user) -> list[tuple[bytes, bytes]]:
    from django.test import Client

    return _session_cookie(Client(), user)


def _open_triage_task(lead):
    from viewflow.workflow.models import Task

    from workflows.triage import TriageFlow

    return Task.objects.get(process__triageprocess__lead=lead, flow_task=TriageFlow.triage)


def test_a_new_triage_task_reaches_the_section_heads_of_the_agency_only(make_lead, alice, alice2, bob, charlie):
    from asgiref.sync import sync_to_async
    from django.urls import reverse

    users = [alice, alice2, bob, charlie]
    headers = [_headers_for(user) for user in users]
    leads = []

    async def scenario():
        communicators = []
        for header in headers:
            communicator, connected = await _connect(header)
            assert connected
            communicators.append(communicator)
        head, other_head, investigator, outsider = communicators
        lead = await sync_to_async(make_lead)(title="疑似串换药品")
        leads.append(lead)
        first = await head.receive_json_from(timeout=2)
        second = await other_head.receive_json_from(timeout=2)
        assert first == second
        # The investigator holds no triage right; charlie's bureau is another agency.
        assert await investigator.receive_nothing(timeout=0.2)
        assert await outsider.receive_nothing(timeout=0.2)
        assert await head.receive_nothing(timeout=0.05)
        for communicator in communicators:
            await communicator.disconnect()
        return first

    event = async_to_sync(scenario)()
    task = _open_triage_task(leads[0])
    assert event["type"] == "task.assigned" and event["id"] == task.pk
    assert event["url"] == reverse("triage-task", args=[task.pk])
    assert "疑似串换药品" in event["title"]


def test_nothing_is_sent_when_the_transaction_rolls_back(make_lead, alice):
    from asgiref.sync import sync_to_async
    from django.db import transaction

    from casework.models import Lead

    headers = _headers_for(alice)

    class Abandon(Exception):
        pass

    def register_then_fail():
        try:
            with transaction.atomic():
                make_lead(title="回滚的线索")
                raise Abandon
        except Abandon:
            pass

    async def scenario():
        communicator, connected = await _connect(headers)
        assert connected
        await sync_to_async(register_then_fail)()
        assert await communicator.receive_nothing(timeout=0.3)
        # The socket still works: a lead that commits is announced.
        await sync_to_async(make_lead)(title="提交的线索")
        event = await communicator.receive_json_from(timeout=2)
        await communicator.disconnect()
        return event

    event = async_to_sync(scenario)()
    assert "提交的线索" in event["title"]
    assert not Lead.objects.filter(title="回滚的线索").exists()


def test_the_findings_task_reaches_the_assigned_investigators_not_other_officers(make_lead, alice, bob, charlie):
    from asgiref.sync import sync_to_async
    from django.urls import reverse

    from organisation.roles import Role
    from tests.factories import UserFactory
    from workflows.investigation import investigation_assign
    from workflows.triage import triage_decide

    bob2 = UserFactory(username="bob2", first_name="孙伟", agency=alice.agency, roles=[Role.INVESTIGATOR])
    bob3 = UserFactory(username="bob3", first_name="周涛", agency=alice.agency, roles=[Role.INVESTIGATOR])
    case = triage_decide(lead=make_lead(), by=alice, decision="open").case
    headers = [_headers_for(user) for user in (bob, bob2, bob3, charlie, alice)]

    def assign():
        return investigation_assign(case=case, by=alice, investigators=[bob, bob2])

    async def scenario():
        communicators = []
        for header in headers:
            communicator, connected = await _connect(header)
            assert connected
            communicators.append(communicator)
        assigned, assigned2, not_assigned, outsider, head = communicators
        process = await sync_to_async(assign)()
        events = [await assigned.receive_json_from(timeout=2), await assigned2.receive_json_from(timeout=2)]
        for communicator in (not_assigned, outsider, head):
            assert await communicator.receive_nothing(timeout=0.2)
        for communicator in communicators:
            await communicator.disconnect()
        return process, events

    process, events = async_to_sync(scenario)()
    from viewflow.workflow.models import Task

    task = Task.objects.get(process=process, flow_task_type="HUMAN")
    assert events[0] == events[1]
    assert events[0]["id"] == task.pk and events[0]["url"] == reverse("investigation-task", args=[task.pk])
    assert case.number in events[0]["title"]
