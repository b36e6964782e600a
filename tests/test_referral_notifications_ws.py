"""referral.received over /ws/notifications/: the receiving agency's liaisons hear of a referral sent
to them once it is committed; a liaison of another agency hears nothing."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.test import Client

from config.asgi import application
from referrals import services
from tests.referral_support import decided_for_referral, prepared

pytestmark = pytest.mark.django_db(transaction=True)


def headers_for(user) -> list[tuple[bytes, bytes]]:
    client = Client()
    client.force_login(user)
    return [(b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()), (b"origin", b"http://127.0.0.1")]


async def events_of(communicator) -> list[dict]:
    events = []
    while not await communicator.receive_nothing(timeout=0.3):
        events.append(await communicator.receive_json_from(timeout=1))
    return events


def test_sending_tells_the_receiving_liaisons_only(referral_case, alice, bob, director, lyg_police, police, cz_officer):
    referral = prepared(decided_for_referral(referral_case, alice, lyg_police), bob)
    referral = services.referral_approve(referral=referral, by=director, approve=True)
    liaison_headers, outsider_headers = headers_for(police), headers_for(cz_officer)

    async def scenario():
        liaison = WebsocketCommunicator(application, "/ws/notifications/", headers=liaison_headers)
        outsider = WebsocketCommunicator(application, "/ws/notifications/", headers=outsider_headers)
        assert (await liaison.connect())[0] and (await outsider.connect())[0]
        await sync_to_async(services.referral_send)(referral=referral, by=bob)
        received = await events_of(liaison)
        assert await outsider.receive_nothing(timeout=0.3)
        await liaison.disconnect()
        await outsider.disconnect()
        return received

    received = async_to_sync(scenario)()
    kinds = {event["type"] for event in received}
    assert "referral.received" in kinds
    event = next(event for event in received if event["type"] == "referral.received")
    assert event["id"] == referral.pk and event["url"] == f"/referrals/{referral.pk}/"
    assert "连医保刑移" in event["title"]
