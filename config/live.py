"""Send live notifications (shared/api.md "Live updates") once the transaction that caused them commits."""

import asyncio
import logging
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from config.consumers import user_group

logger = logging.getLogger(__name__)
# Group sends in flight at once: enough to hide Redis round trips, few enough to keep its pool small.
SEND_CONCURRENCY = 20


def notify_users(user_ids: Iterable[int], *, event_type: str, id: int, title: str, url: str) -> None:
    """Queue one event per user; nothing is sent if the surrounding transaction rolls back."""
    user_ids = sorted(set(user_ids))
    if not user_ids:
        return
    event = {"type": event_type, "id": id, "title": title, "url": url}
    transaction.on_commit(lambda: send_now(user_ids, event))


def send_now(user_ids: list[int], event: dict) -> None:
    """Send event to each user's group, all from one event loop (one channel-layer connection, not one each).

    A failing send is logged and skipped: a dead channel layer must not break the request that committed.
    """
    layer = get_channel_layer()
    if layer is None or not user_ids:
        return
    try:
        async_to_sync(_send_all)(layer, user_ids, event)
    except Exception:
        logger.exception("live notification %s failed", event.get("type"))


async def _send_all(layer, user_ids: list[int], event: dict) -> None:
    message = {"type": "notify", "event": event}
    slots = asyncio.Semaphore(SEND_CONCURRENCY)

    async def send(user_id: int) -> None:
        async with slots:
            try:
                await layer.group_send(user_group(user_id), message)
            except Exception:
                logger.exception("live notification %s to user %s failed", event.get("type"), user_id)

    await asyncio.gather(*(send(user_id) for user_id in user_ids))
