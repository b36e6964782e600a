"""Install the demo (api.md "Demo installation"); the data and how it is made live in organisation.demo."""

import time
import unicodedata
from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone, translation

from assists.demo import seed_assists
from casework.models import Case, Lead, Subject
from credit.demo import seed_credit
from disclosure.demo import seed_disclosures
from documents.demo import seed_document_corrections
from inspections.demo import seed_inspections
from inspections.demo_actions import seed_special_action
from organisation.demo.agencies import PasswordSetter, ensure_regions_and_agencies, ensure_users
from organisation.demo.agreements import advance_agreements
from organisation.demo.cities import CITIES
from organisation.demo.leads import LeadSeeder
from organisation.demo.penalties import advance_penalties
from organisation.demo.recoveries import seed_recoveries
from organisation.demo.rewards import seed_rewards
from organisation.demo.subjects import ensure_subjects
from ratings.demo import seed_ratings


class Command(BaseCommand):
    help = "Install the demo regions, agencies, users, subjects, leads and cases (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url", default="http://127.0.0.1:8000", help="where the server will listen (printed with the logins)"
        )
        parser.add_argument(
            "--people-only",
            action="store_true",
            help="only regions, agencies, users and subjects: no leads, cases or later steps (browser tests build "
            "their own story from there)",
        )

    def handle(self, *args, **options):
        self.base_url = options["base_url"]
        self.report_logins = []
        started = time.monotonic()
        password = settings.DEMO_PASSWORD
        passwords = PasswordSetter(password)
        with transaction.atomic():
            agencies = ensure_regions_and_agencies()
            logins = ensure_users(agencies, passwords)
        with transaction.atomic():
            created_subjects = ensure_subjects()
        for city in [] if options["people_only"] else CITIES:
            bureau = agencies[f"{city.code}-bureau"]
            if Lead.objects.filter(agency=bureau).exists():
                self.stdout.write(f"{bureau.name}已有线索，跳过线索和案件的生成。")
                continue
            with transaction.atomic():
                seeder = LeadSeeder(city, bureau)
                seeder.run()
            # The outcome decisions started penalty and agreement tracks; drive them to a spread of states.
            with transaction.atomic():
                advance_penalties(agency=bureau, today=timezone.localdate())
                advance_agreements(region=bureau.region, today=timezone.localdate())
                seed_recoveries(bureau=bureau, court=agencies[f"{city.code}-court"], today=timezone.localdate())
                seed_rewards(bureau=bureau, today=timezone.localdate())
                seed_credit(region=bureau.region, today=timezone.localdate())
                seed_ratings(region=bureau.region, today=timezone.localdate())
                seed_document_corrections(region=bureau.region, today=timezone.localdate())
                seed_inspections(region=bureau.region, today=timezone.localdate())
                seed_special_action(bureau=bureau, today=timezone.localdate())
                seed_disclosures(bureau=bureau, today=timezone.localdate())
            self.report_logins += [(bureau.name, *pair) for pair in seeder.reports.credentials[:1]]
            batch = seeder.screening
            self.stdout.write(
                f"{bureau.name}智能监控：接收疑点 {batch.received} 条，新建线索 {batch.leads_created} 条，"
                f"并入已有线索 {batch.leads_updated} 条。"
            )
        if not options["people_only"]:
            with transaction.atomic():
                seed_assists(
                    first=agencies[f"{CITIES[0].code}-bureau"],
                    second=agencies[f"{CITIES[1].code}-bureau"],
                    today=timezone.localdate(),
                )
        self._report(agencies, logins, password, created_subjects, time.monotonic() - started)

    def _report(self, agencies, logins, password, created_subjects, seconds):
        write = self.stdout.write
        write(f"检查对象：本次新增 {created_subjects} 个，共 {Subject.objects.count()} 个。")
        for city in CITIES:
            bureau = agencies[f"{city.code}-bureau"]
            leads = Lead.objects.filter(agency=bureau)
            write(
                f"{bureau.name}：线索 {_counts(leads, Lead.Status)}（逾期未研判 {leads.overdue().count()}）；"
                f"案件 {_counts(Case.objects.filter(agency=bureau), Case.Status)}"
            )
        write("")
        write(_table(["用户名", "姓名", "机构", "角色", "密码"], [[*row, password] for row in logins]))
        write("")
        base = self.base_url.rstrip("/")
        write(f"网页：     {base}/")
        write(f"API 文档： {base}/api/docs/")
        write(f"我要举报： {base}/report/")
        for bureau_name, code, secret in self.report_logins:
            write(f"举报查询： {base}/report/status/  {bureau_name}演示举报：查询码 {code}，密钥 {secret}")
        if self.report_logins:
            write("           （举报查询密钥只在生成时显示一次。）")
        write(f"管理后台： {base}/admin/  （用户名 admin）")
        write(self.style.SUCCESS(f"演示数据已就绪，用时 {seconds:.1f} 秒。"))


def _counts(queryset, statuses) -> str:
    counts = Counter(queryset.values_list("status", flat=True))
    with translation.override(settings.LANGUAGE_CODE):
        return "，".join(f"{label} {counts.get(status, 0)}" for status, label in statuses.choices)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(header: list[str], rows: list[list[str]]) -> str:
    """A plain-text table whose columns line up in a terminal, counting CJK characters as two wide."""
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row):
        return "  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)])
