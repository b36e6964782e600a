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
