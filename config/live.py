"""Send live notifications (shared/api.md "Live updates") once the transaction that caused them commits."""

import logging
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from config.consumers import user_group

logger = logging.getLogger(__name__)


def notify_users(user_ids: Iterable[int], *, event_type: str, id: int, title: str, url: str) -> None:
    """Queue one event per user; nothing is sent if the surrounding transaction rolls back."""
    user_ids = sorted(set(user_ids))
    event = {"type": event_type, "id": id, "title": title, "url": url}

    def send():
        layer = get_channel_layer()
        for user_id in user_ids:
            try:
                async_to_sync(layer.group_send)(user_group(user_id), {"type": "notify", "event": event})
            except Exception:  # a dead channel layer must not break the request that committed
                logger.exception("live notification %s to user %s failed", event_type, user_id)

    transaction.on_commit(send)
