"""Send "deadline near" reminders once; with --loop, keep doing so every N seconds (make demo)."""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from workflows.reminders import send_reminders


class Command(BaseCommand):
    help = "Send each near deadline's reminder once to the users who must act (run from cron, or with --loop)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS", help="repeat every SECONDS")

    def handle(self, *args, loop, **options):
        while True:
            if loop:
                close_old_connections()  # a long-running loop must not keep a broken connection
            sent = send_reminders()
            if sent or not loop:
                self.stdout.write(f"已发送期限提醒 {sent} 条。")
            if not loop:
                return
            time.sleep(loop)
