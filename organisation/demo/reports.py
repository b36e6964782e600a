"""The reporter's side of each city's demo reports: receipt codes, named reporters, messages, notices."""

import datetime
import random

from django.utils import timezone

from casework.models import Lead, Subject
from intake.models import Report
from intake.services import (
    report_acknowledge,
    report_message_from_reporter,
    report_note_add,
    report_reply,
    report_result_notice_issue,
)
from intake.submission import report_submit
from organisation.demo.subject_names import GIVEN_NAMES, SURNAMES
from organisation.models import Agency, User
from workflows.triage import triage_decide

CHANNEL_OF = {
    "12393医保服务热线": Report.Channel.HOTLINE_12393,
    "12345政务服务热线转办": Report.Channel.HOTLINE_LOCAL,
    "来信": Report.Channel.LETTER,
    "医保局网上举报平台": Report.Channel.WEB,
    "来访": Report.Channel.VISIT,
}
NAMED_SHARE = 0.45
REPORTER_MESSAGES = (
    "我这里还有当时的缴费单据照片，需要的话可以补充上传。",
    "请问现在核查到哪一步了？",
    "补充一下：该机构上个月又出现了同样的情况。",
)
AGENCY_REPLIES = (
    "您好，您反映的问题已转相关科室核查，请耐心等待。如有新的证据材料，可在本页面补充上传。",
    "感谢您的补充，材料已收到，我们会一并核查。",
)
NOTES = ("举报人描述具体，附有票据照片，建议优先核查。", "已电话联系举报人核实部分情况。")


class ReportSeeder:
    """Receives a city's report leads through intake, then plays out the follow-up a clerk would do."""

    def __init__(self, rng: random.Random, bureau: Agency, clerk: User):
        self.rng, self.bureau, self.clerk = rng, bureau, clerk
        self.reports: list[Report] = []
        # report id → (receipt code, secret) of web reports, for the status page; printed once.
        self.secrets: dict[int, tuple[str, str]] = {}

    def receive(self, *, channel, origin, subject: Subject, description, received_at, amount) -> Lead:
        named = channel not in (Report.Channel.SUPERIOR, Report.Channel.ASSIST_REQUEST) and (
            self.rng.random() < NAMED_SHARE
        )
        received = report_submit(
            agency=self.bureau,
            channel=channel,
            origin=origin,
            subject_kind=subject.kind,
            subject_name=subject.name,
            subject_code=subject.code,
            description=description,
            amount_estimate=amount,
            anonymous=not named,
            reporter=self._identity() if named else None,
            received_at=received_at,
            by=None if channel == Report.Channel.WEB else self.clerk,
        )
        report = received.report
        if named:
            report_acknowledge(report=report, by=self.clerk)
        if channel == Report.Channel.WEB:
            self.secrets[report.pk] = (report.receipt_code, received.secret)
        self.reports.append(report)
        return report.lead

    @property
    def credentials(self) -> list[tuple[str, str]]:
        """(receipt code, secret) of the web reports, those with messages first."""
        with_messages = set(
            Report.objects.filter(pk__in=self.secrets, messages__isnull=False).values_list("pk", flat=True)
        )
        return [self.secrets[pk] for pk in sorted(self.secrets, key=lambda pk: pk not in with_messages)]

    def _identity(self) -> dict:
        return {
            "name": self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES),
            "phone": f"1{self.rng.choice('3589')}{self.rng.randint(0, 9)}{self.rng.randint(10**7, 10**8 - 1)}",
            "email": "",
            "id_number": "",
            "address": "",
        }

    def follow_up(self, *, head: User) -> None:
        """Messages on pending reports, result notices for decided ones (one left owed), one duplicate merged."""
        reports = [Report.objects.select_related("lead").get(pk=report.pk) for report in self.reports]
        pending = [r for r in reports if r.lead.status == Lead.Status.PENDING and r.channel != Report.Channel.SUPERIOR]
        # Web reporters first: their status page (credentials printed by demo_data) shows the exchange.
        pending.sort(key=lambda report: report.channel != Report.Channel.WEB)
        for index, report in enumerate(pending[:3]):
            report_message_from_reporter(report=report, body=REPORTER_MESSAGES[index])
            if index < 2:
                report_reply(report=report, by=self.clerk, body=AGENCY_REPLIES[index])
                report_note_add(report=report, by=self.clerk, body=NOTES[index])
        owed = [r for r in reports if not r.anonymous and r.result_notice_due is not None]
        for report in owed[1:]:
            report_result_notice_issue(report=report, by=self.clerk)
        if pending:
            self._duplicate_of(pending[-1], head=head)

    def _duplicate_of(self, report: Report, *, head: User) -> None:
        """A second reporter on the same facts a day later; the head merges it into the first lead."""
        first = report.lead
        received_at = min(first.received_at + datetime.timedelta(days=1, hours=2), timezone.now())
        subject = first.subjects.order_by("pk").first()
        received = report_submit(
            agency=self.bureau,
            channel=Report.Channel.HOTLINE_12393,
            subject_kind=subject.kind,
            subject_name=subject.name,
            subject_code=subject.code,
            description=f"另一名群众反映同一问题：{first.description}",
            received_at=received_at,
            by=self.clerk,
        )
        triage_decide(lead=received.report.lead, by=head, decision="merge", target=first)
