"""Run the reminder job inside the ASGI server (REMINDER_INTERVAL seconds), for single-process installs.

With the in-memory channel layer a separate process could not reach this server's WebSockets,
so `make demo` runs reminders here. Production with Redis may instead run `manage.py
send_reminders` from cron or a systemd timer, and leave REMINDER_INTERVAL unset.
"""

import asyncio
import logging

from asgiref.sync import sync_to_async

logger = logging.getLogger(__name__)


class ReminderLoop:
    """ASGI wrapper: answers the lifespan protocol and, when enabled, sends reminders periodically."""

    def __init__(self, app, *, interval: int):
        self.app, self.interval, self.task = app, interval, None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "lifespan":
            return await self.app(scope, receive, send)
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if self.interval > 0:
                    self.task = asyncio.create_task(self._loop())
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.task is not None:
                    self.task.cancel()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _loop(self):
        from django.db import close_old_connections

        from workflows.reminders import send_reminders

        def run_once():
            close_old_connections()
            try:
                return send_reminders()
            finally:
                close_old_connections()

        while True:
            try:
                sent = await sync_to_async(run_once, thread_sensitive=True)()
                if sent:
                    logger.info("sent %s deadline reminders", sent)
            except Exception:  # the server keeps serving; the next round tries again
                logger.exception("deadline reminders failed")
            await asyncio.sleep(self.interval)
