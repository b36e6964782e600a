"""举报奖励 (issue 7): the whole process for a named and an anonymous reporter, the first-reporter rule,
exclusions, forfeiture, the calculator's tiers, paying once, and who sees what."""

import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from casework.errors import AlreadyDecided, InvalidInput, InvalidTransition
from casework.penalty_rules import add_months
from documents.models import Document
from intake.models import ReportMessage
from intake.public import report_by_code_and_secret
from rewards import rules, services
from rewards.models import Reward
from tests.reward_support import closed_case_from, submit

pytestmark = pytest.mark.django_db
ALL_MET = dict.fromkeys(services.CRITERIA, True)
PAYMENT = {"payee": "韩梅梅", "bank": "中国银行连云港分行", "account": "6217 0000 1234 5678"}
D = Decimal


def through_approval(reward, handler, alice, *, amount=None, reason=""):
    reward = services.reward_review(reward=reward, by=handler, checks=ALL_MET)
    reward = services.reward_propose(
        reward=reward, by=handler, verified_amount="12000.50", amount=amount, reason=reason
    )
    return services.reward_approve(reward=reward, by=alice, decision="approve")


class TestCalculator:
    @pytest.mark.parametrize(
        ("verified", "expected"),
        [
            ("1000.00", "200.00"),  # 5 % is 50: raised to the minimum
            ("4000.00", "200.00"),  # exactly the minimum
            ("4000.20", "200.01"),  # 200.01, rounded half up
            ("100000.00", "5000.00"),  # the top of the first tier
            ("100000.01", "5000.00"),  # 3 % of one cent rounds to nothing
            ("200000.00", "8000.00"),  # 5,000 + 3,000
            ("6500000.00", "197000.00"),
            ("7000000.00", "200000.00"),  # capped at the maximum
        ],
    )
    def test_tiers_at_their_edges(self, verified, expected):
        calculation = rules.calculate(rules.NATIONAL, D(verified))
        assert calculation.amount == D(expected) and calculation.amount.as_tuple().exponent == -2
        assert calculation.steps[-1].endswith(f"{D(expected):,.2f}")

    def test_no_money_gives_the_fixed_sum(self):
        calculation = rules.calculate(rules.NATIONAL, None)
        assert (calculation.amount, calculation.low, calculation.high) == (D("200.00"), D("200.00"), D("1000.00"))

    def test_a_region_rule_overrides_the_national_one(self, lyg_region, province):
        from rewards.models import RewardRule

        RewardRule.objects.create(
            region=province,
            tiers=[{"up_to": "50000.00", "rate": "0.10"}, {"up_to": None, "rate": "0.02"}],
            minimum="500.00",
            maximum="100000.00",
            fixed_minimum="300.00",
            fixed_maximum="2000.00",
            collective_threshold="20000.00",
            claim_months=3,
            basis="江苏省举报奖励实施细则",
        )
        rule = rules.rule_for(lyg_region)
        assert rule.claim_months == 3
        assert rules.calculate(rule, D("60000.00")).amount == D("5200.00")


class TestNamedReporter:
    def test_paid_end_to_end(self, named_reward, handler, alice, finance, django_capture_on_commit_callbacks):
        reward = named_reward
        assert reward.status == Reward.Status.REVIEWING and reward.report.anonymous is False
        reward = through_approval(reward, handler, alice)
        assert reward.status == Reward.Status.NOTIFYING and reward.approved_amount == D("600.03")
        assert reward.decision.number.startswith("连医保奖决〔")
        with django_capture_on_commit_callbacks(execute=True):
            reward = services.reward_notify(reward=reward, by=handler, channel="email")
        assert reward.status == Reward.Status.CLAIMING and reward.notice.title == "领奖通知书"
        assert reward.claim_deadline == add_months(timezone.localdate(), 2)
        assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hmm@example.cn"]
        assert mail.outbox[0].attachments[0][2] == "application/pdf"
        with pytest.raises(InvalidInput) as caught:
            services.reward_claim(reward=reward, by=handler, identity_check="", payment={})
        assert {"identity_check", "payment.account"} <= set(caught.value.errors)
        reward = services.reward_claim(reward=reward, by=handler, identity_check="核验身份证原件", payment=PAYMENT)
        assert PAYMENT["account"] not in reward.payment_token
        reward = services.reward_pay(reward=reward, by=finance, paid_on=timezone.localdate(), voucher_no="记-2026-118")
        assert reward.status == Reward.Status.PAID
        with pytest.raises(AlreadyDecided):
            services.reward_pay(reward=reward, by=finance, paid_on=timezone.localdate(), voucher_no="记-2026-119")
        assert ReportMessage.objects.filter(report=reward.report, body__contains="600.03").exists()

    def test_another_amount_needs_reasons_and_outside_the_bounds_goes_to_the_collective(
        self, named_reward, handler, alice, head
    ):
        reward = services.reward_review(reward=named_reward, by=handler, checks=ALL_MET)
        with pytest.raises(InvalidInput) as caught:
            services.reward_propose(reward=reward, by=handler, verified_amount="12000.50", amount="250000.00")
        assert "reason" in caught.value.errors
        reward = services.reward_propose(
            reward=reward, by=handler, verified_amount="12000.50", amount="250000.00", reason="重大案件，经请示上级同意"
        )
        reward = services.reward_approve(reward=reward, by=alice, decision="approve")
        assert reward.status == Reward.Status.COLLECTIVE
        with pytest.raises(PermissionDenied):
            services.reward_collective_decide(reward=reward, by=alice, decision="approve", note="x")
        reward = services.reward_collective_decide(
            reward=reward, by=head, decision="approve", note="局党组会议集体研究同意。"
        )
        assert reward.status == Reward.Status.NOTIFYING and reward.approved_amount == D("250000.00")

    def test_claims_after_the_window_are_refused_and_the_timer_forfeits(self, named_reward, handler, alice):
        from workflows.reminders import send_reminders

        reward = services.reward_notify(
            reward=through_approval(named_reward, handler, alice), by=handler, channel="phone"
        )
        later = reward.claim_deadline + datetime.timedelta(days=1)
        Reward.objects.filter(pk=reward.pk).update(claim_deadline=timezone.localdate() - datetime.timedelta(days=1))
        reward.refresh_from_db()
        with pytest.raises(InvalidTransition) as caught:
            services.reward_claim(reward=reward, by=handler, identity_check="x", payment=PAYMENT)
        assert str(reward.claim_deadline) in str(caught.value.message)
        send_reminders(today=timezone.localdate())
        reward.refresh_from_db()
        assert reward.status == Reward.Status.FORFEITED and reward.forfeited_on == timezone.localdate()
        assert later > timezone.localdate()


class TestEligibility:
    def test_an_excluded_reporter_is_told_why_and_nothing_is_paid(self, named_reward, handler):
        with pytest.raises(InvalidInput):
            services.reward_review(reward=named_reward, by=handler, checks=ALL_MET, exclusion="agency_staff")
        reward = services.reward_review(
            reward=named_reward, by=handler, checks=ALL_MET, exclusion="agency_staff", reason="举报人系本局工作人员。"
        )
        assert reward.status == Reward.Status.INELIGIBLE and reward.ineligible_reason == "举报人系本局工作人员。"
        assert ReportMessage.objects.filter(report=reward.report, body__contains="举报人系本局工作人员").exists()

    def test_only_the_first_valid_reporter_of_the_same_facts(
        self, lyg_bureau, lyg_region, clerk, alice, bob, bob2, subject, handler
    ):
        from casework.services import lead_merge_into_lead

        first = submit(subject, agency=lyg_bureau, by=clerk).report
        second = submit(subject, region=lyg_region, anonymous=True).report
        lead_merge_into_lead(lead=second.lead, target=first.lead, by=alice)
        case = closed_case_from(first, alice, [bob, bob2], subject)
        reward = Reward.objects.get(case=case)
        assert reward.report == first
        services.reward_review(reward=reward, by=handler, checks=ALL_MET)
        told = ReportMessage.objects.get(report=second)
        assert "first" in told.body or "第一" in told.body or "在先" in told.body

    def test_when_the_first_is_not_eligible_the_next_reporter_is_reviewed(
        self, lyg_bureau, lyg_region, clerk, alice, bob, bob2, subject, handler
    ):
        from casework.services import lead_merge_into_lead

        first = submit(subject, agency=lyg_bureau, by=clerk).report
        second = submit(subject, region=lyg_region, anonymous=True).report
        lead_merge_into_lead(lead=second.lead, target=first.lead, by=alice)
        reward = Reward.objects.get(case=closed_case_from(first, alice, [bob, bob2], subject))
        checks = {**ALL_MET, "not_known": False}
        reward = services.reward_review(reward=reward, by=handler, checks=checks, reason="举报前本局已掌握该线索。")
        assert reward.status == Reward.Status.REVIEWING and reward.report == second


class TestAnonymousReporter:
    def test_paid_via_the_status_page(self, lyg_region, alice, bob, bob2, subject, handler, finance, client):
        received = submit(subject, region=lyg_region, anonymous=True)
        reward = Reward.objects.get(case=closed_case_from(received.report, alice, [bob, bob2], subject))
        reward = services.reward_notify(reward=through_approval(reward, handler, alice), by=handler, channel="email")
        assert reward.notice_channel == "status_page" and reward.notice is None
        report = report_by_code_and_secret(receipt_code=received.report.receipt_code, secret=received.secret)
        assert ReportMessage.objects.filter(report=report, body__contains="600.03").exists()
        with pytest.raises(InvalidInput) as caught:
            services.reward_claim(reward=reward, by=handler, identity_check="核验身份证", payment=PAYMENT, claimant={})
        assert "reporter.id_number" in caught.value.errors
        claimant = {"name": "李雷", "phone": "13800001111", "id_number": "11010519491231002X"}
        reward = services.reward_claim(
            reward=reward, by=handler, identity_check="核验身份证及查询码", payment=PAYMENT, claimant=claimant
        )
        assert "李雷" not in reward.claimant_token
        assert services.reward_claimant(reward=reward, by=handler)["name"] == "李雷"
        with pytest.raises(PermissionDenied):
            services.reward_claimant(reward=reward, by=finance)
        assert services.reward_payment_details(reward=reward, by=finance)["account"] == PAYMENT["account"]
        assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, content_type__model="reward").count() == 2
        reward = services.reward_pay(reward=reward, by=finance, paid_on=timezone.localdate(), voucher_no="记-7")
        assert reward.status == Reward.Status.PAID


class TestConfidentiality:
    def test_only_the_reward_roles_see_the_reward_and_its_documents(
        self, named_reward, handler, alice, bob, police, charlie, finance
    ):
        reward = through_approval(named_reward, handler, alice)
        for outsider in (bob, police, charlie):
            assert not Reward.objects.visible_to(outsider).exists()
            assert not Document.objects.visible_to(outsider).filter(kind="reward_decision").exists()
            with pytest.raises(PermissionDenied):
                services.reward_payment_details(reward=reward, by=outsider)
        assert Document.objects.visible_to(handler).filter(kind="reward_decision").exists()
        with pytest.raises(PermissionDenied):
            services.reward_pay(reward=reward, by=handler, paid_on=timezone.localdate(), voucher_no="x")


def test_the_reporter_never_appears_in_the_case_documents(named_reward, handler, alice):
    """The documents of the case (which go to the subject or on file) never name the reporter; only the
    confidential reward documents do."""
    import io

    from pypdf import PdfReader

    from documents.kinds import CONFIDENTIAL_KIND_CODES
    from documents.services import document_pdf_bytes
    from tests.reward_support import REPORTER

    services.reward_notify(reward=through_approval(named_reward, handler, alice), by=handler, channel="phone")
    documents = Document.objects.filter(case=named_reward.case)
    assert documents.exclude(kind__in=CONFIDENTIAL_KIND_CODES).count() >= 3
    for document in documents:
        pdf = document_pdf_bytes(document=document)
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        named = REPORTER["name"] in text or REPORTER["phone"] in text
        if document.kind in CONFIDENTIAL_KIND_CODES:
            assert named, document.kind  # addressed to, or deciding about, the reporter
        else:
            assert not named, document.kind
