"""Reward pages (举报奖励): each step on the reward page for its role, form errors, the logged reveals,
the statistics, the reporter's status page, and refusals for everyone else."""

import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rewards import rules, selectors, services
from rewards.models import Reward
from tests.investigation_support import investigate
from tests.reward_support import REPORTER, closed_case_from, submit
from workflows.reward import pending_task
from workflows.triage import triage_decide

pytestmark = pytest.mark.django_db
ALL_MET = list(services.CRITERIA)
PAYMENT = {"payee": "韩梅梅", "bank": "中国银行连云港分行", "account": "6217000012345678"}
CONFIDENTIAL = (REPORTER["name"], REPORTER["phone"], REPORTER["email"], PAYMENT["bank"], PAYMENT["account"])


def act(client, reward, step, data=None, **extra):
    return client.post(reverse("reward-act", args=[reward.pk, step]), data or {}, **extra)


def page(client, name, *args, **query) -> str:
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200
    return response.content.decode()


def status_of(reward) -> str:
    return Reward.objects.get(pk=reward.pk).status


def field_errors(response, step: str) -> dict:
    forms = {name: form for name, _, form in response.context["steps"]}
    return forms[step].errors


def claimed(reward, handler, alice, *, amount=None, reason=""):
    """Through the services up to the payment (a named reporter, told by phone)."""
    reward = services.reward_review(reward=reward, by=handler, checks=dict.fromkeys(ALL_MET, True))
    reward = services.reward_propose(
        reward=reward, by=handler, verified_amount="12000.50", amount=amount, reason=reason
    )
    reward = services.reward_approve(reward=reward, by=alice, decision="approve")
    reward = services.reward_notify(reward=reward, by=handler, channel="phone")
    return services.reward_claim(reward=reward, by=handler, identity_check="核验身份证原件", payment=PAYMENT)


def assert_confidential(html: str) -> None:
    for secret in CONFIDENTIAL:
        assert secret not in html


class TestThroughThePages:
    def test_handler_section_head_and_finance_take_every_step(self, named_reward, client, handler, alice, finance):
        reward = named_reward
        client.force_login(handler)
        listing = page(client, "reward-list")
        assert reward.case.number in listing and "data-live-region" in listing
        detail = page(client, "reward-detail", reward.pk)
        assert f"/rewards/{reward.pk}/do/review/" in detail and "/do/approve/" not in detail
        assert reward.report.receipt_code_display in detail

        # A criterion not met needs reasons: the form says so, nothing changes.
        response = act(client, reward, "review", {"checks": ALL_MET[:-1]})
        assert response.status_code == 400 and "reason" in field_errors(response, "review")
        assert status_of(reward) == Reward.Status.REVIEWING
        assert act(client, reward, "review", {"checks": ALL_MET}).status_code == 302
        assert status_of(reward) == Reward.Status.PROPOSING

        # The proposal form comes prefilled with the case's verified amount and the rule's working.
        verified = services.verified_amount_of(reward.case)
        calculation = rules.calculate(rules.NATIONAL, verified)
        detail = page(client, "reward-detail", reward.pk)
        assert f'value="{verified:.2f}"' in detail and f"{calculation.amount:,.2f}" in detail
        response = act(client, reward, "propose", {"verified_amount": "12 千元"})
        assert response.status_code == 400 and "verified_amount" in field_errors(response, "propose")
        response = act(client, reward, "propose", {"verified_amount": "12000.50", "amount": "900.00"})
        assert response.status_code == 400 and "reason" in field_errors(response, "propose")
        assert act(client, reward, "propose", {"verified_amount": "12000.50"}).status_code == 302
        reward.refresh_from_db()
        assert (reward.status, reward.proposed_amount) == (Reward.Status.APPROVING, Decimal("600.03"))
        assert reward.working[-1].endswith("600.03")

        # Only the section head approves.
        assert act(client, reward, "approve", {"decision": "approve"}).status_code == 403
        client.force_login(alice)
        detail = page(client, "reward-detail", reward.pk)
        assert "/do/approve/" in detail and "600.03" in detail
        assert act(client, reward, "approve", {"decision": "refuse"}).status_code == 400
        assert act(client, reward, "approve", {"decision": "approve", "note": "同意"}).status_code == 302
        assert status_of(reward) == Reward.Status.NOTIFYING

        client.force_login(handler)
        response = act(client, reward, "notify", {"channel": ""})
        assert response.status_code == 400 and "channel" in field_errors(response, "notify")
        assert act(client, reward, "notify", {"channel": "phone"}).status_code == 302
        reward.refresh_from_db()
        assert reward.status == Reward.Status.CLAIMING and reward.notice.title == "领奖通知书"
        listing = page(client, "reward-list", tab="all")
        assert reward.claim_deadline.strftime("%Y年%-m月%-d日") in listing

        response = act(client, reward, "claim", {"identity_check": "核验身份证原件", "payee": "韩梅梅"})
        assert response.status_code == 400 and {"bank", "account"} <= set(field_errors(response, "claim"))
        assert "claimant_name" not in response.context["steps"][0][2].fields  # a named reporter is known
        assert act(client, reward, "claim", {"identity_check": "核验身份证原件", **PAYMENT}).status_code == 302
        assert status_of(reward) == Reward.Status.PAYING
        for html in (page(client, "reward-list", tab="all"), page(client, "reward-detail", reward.pk)):
            assert_confidential(html)

        client.force_login(finance)
        assert reward.case.number in page(client, "reward-list")  # waiting for finance now
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        response = act(client, reward, "pay", {"paid_on": tomorrow.isoformat(), "voucher_no": "记-118"})
        assert response.status_code == 400 and "paid_on" in field_errors(response, "pay")
        response = act(client, reward, "pay", {"paid_on": "", "voucher_no": ""})
        assert response.status_code == 400 and {"paid_on", "voucher_no"} <= set(field_errors(response, "pay"))
        today = timezone.localdate().isoformat()
        assert act(client, reward, "pay", {"paid_on": today, "voucher_no": "记-118"}).status_code == 302
        reward.refresh_from_db()
        assert (reward.status, reward.voucher_no, reward.paid_by) == (Reward.Status.PAID, "记-118", finance)

        # Paying twice: a warning and the reward page, not an error.
        response = act(client, reward, "pay", {"paid_on": today, "voucher_no": "记-119"}, follow=True)
        assert response.status_code == 200 and "alert-warning" in response.content.decode()
        assert Reward.objects.get(pk=reward.pk).voucher_no == "记-118"
        detail = page(client, "reward-detail", reward.pk)
        assert "记-118" in detail and "/do/" not in detail
        assert_confidential(detail)

    def test_above_the_threshold_the_head_decides_collectively(self, named_reward, client, handler, alice, head):
        reward = services.reward_review(reward=named_reward, by=handler, checks=dict.fromkeys(ALL_MET, True))
        client.force_login(handler)
        data = {"verified_amount": "12000.50", "amount": "250000.00", "reason": "重大案件，经请示同意"}
        assert act(client, reward, "propose", data).status_code == 302
        client.force_login(alice)
        assert act(client, reward, "approve", {"decision": "approve"}).status_code == 302
        assert status_of(reward) == Reward.Status.COLLECTIVE
        assert act(client, reward, "collective", {"decision": "approve", "note": "x"}).status_code == 403
        client.force_login(head)
        assert "/do/collective/" in page(client, "reward-detail", reward.pk)
        response = act(client, reward, "collective", {"decision": "approve", "note": ""})
        assert response.status_code == 400 and "note" in field_errors(response, "collective")
        data = {"decision": "approve", "note": "局党组会议集体研究同意。"}
        assert act(client, reward, "collective", data).status_code == 302
        reward.refresh_from_db()
        assert (reward.status, reward.approved_amount) == (Reward.Status.NOTIFYING, Decimal("250000.00"))

    def test_an_unknown_step_or_a_get_is_refused(self, named_reward, client, handler):
        client.force_login(handler)
        assert act(client, named_reward, "approve-all").status_code == 404
        assert client.get(reverse("reward-act", args=[named_reward.pk, "review"])).status_code == 405
        # Posting the step of another node: the reward is at review, the proposal is not offered.
        response = act(client, named_reward, "propose", {"verified_amount": "100.00"}, follow=True)
        assert response.status_code == 200 and status_of(named_reward) == Reward.Status.REVIEWING


class TestConfidentiality:
    def test_the_identity_and_bank_details_only_on_the_logged_reveal(
        self, named_reward, client, handler, alice, finance
    ):
        reward = claimed(named_reward, handler, alice)
        logged = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, content_type__model="reward")
        before = logged.count()
        for user in (handler, alice, finance):
            client.force_login(user)
            assert_confidential(page(client, "reward-list", tab="all") + page(client, "reward-detail", reward.pk))
            assert logged.count() == before

        client.force_login(handler)
        assert "/identity/" in page(client, "reward-detail", reward.pk)
        assert client.get(reverse("reward-identity", args=[reward.pk])).status_code == 405
        shown = client.post(reverse("reward-identity", args=[reward.pk]))
        assert shown.status_code == 200 and "no-store" in shown["Cache-Control"]
        assert REPORTER["name"] in shown.content.decode() and REPORTER["phone"] in shown.content.decode()
        assert logged.filter(actor=handler).count() == 1
        assert_confidential(page(client, "reward-detail", reward.pk))  # once, on that response only

        client.force_login(finance)
        detail = page(client, "reward-detail", reward.pk)
        assert "/identity/" not in detail and "/payment/" in detail
        assert client.post(reverse("reward-identity", args=[reward.pk])).status_code == 403
        shown = client.post(reverse("reward-payment", args=[reward.pk])).content.decode()
        assert PAYMENT["account"] in shown and PAYMENT["bank"] in shown and REPORTER["phone"] not in shown
        assert logged.filter(actor=finance).count() == 1

        client.force_login(alice)  # the section head approves but reads neither
        detail = page(client, "reward-detail", reward.pk)
        assert "/identity/" not in detail and "/payment/" not in detail
        assert client.post(reverse("reward-identity", args=[reward.pk])).status_code == 403
        assert client.post(reverse("reward-payment", args=[reward.pk])).status_code == 403
        assert logged.count() == before + 2

    def test_outsiders_and_anonymous_users_are_refused_everywhere(
        self, named_reward, client, handler, bob, police, charlie
    ):
        reward = named_reward
        task = pending_task(reward)
        reads = [
            reverse("reward-list"),
            reverse("reward-statistics"),
            reverse("reward-detail", args=[reward.pk]),
            reverse("reward-task", args=[task.pk]),
        ]
        writes = [
            reverse("reward-act", args=[reward.pk, "review"]),
            reverse("reward-identity", args=[reward.pk]),
            reverse("reward-payment", args=[reward.pk]),
            reverse("reward-start", args=[reward.case_id]),
        ]
        for path in reads:
            response = client.get(path)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        for path in writes:
            response = client.post(path, {"checks": ALL_MET})
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        for outsider in (bob, police, charlie):
            client.force_login(outsider)
            lists = [client.get(path) for path in (reads[0] + "?tab=all", reads[1])]
            if outsider is charlie:  # a section head elsewhere: his own (empty) lists
                assert [r.status_code for r in lists] == [200, 200]
                assert all(reward.case.number not in r.content.decode() for r in lists)
                assert "连云港" not in lists[1].content.decode()
            else:  # no reward role at all
                assert [r.status_code for r in lists] == [403, 403]
            assert client.get(reads[2]).status_code == 404
            assert client.get(reads[3]).status_code == 404
            for path in writes[:3]:
                assert client.post(path, {"checks": ALL_MET}).status_code == 404
            # bob sees the case but is no reward handler; the others do not see it.
            assert client.post(writes[3]).status_code == (403 if outsider is bob else 404)
        assert status_of(reward) == Reward.Status.REVIEWING
        assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS, content_type__model="reward").exists()

    def test_the_province_auditor_reads_but_cannot_act(self, named_reward, client, auditor):
        client.force_login(auditor)
        assert named_reward.case.number in page(client, "reward-list", tab="all")
        detail = page(client, "reward-detail", named_reward.pk)
        assert "/do/" not in detail and "/identity/" not in detail
        assert act(client, named_reward, "review", {"checks": ALL_MET}).status_code == 403
        assert client.post(reverse("reward-identity", args=[named_reward.pk])).status_code == 403


class TestListAndTasks:
    def test_waiting_tab_count_and_task_link(self, named_reward, client, handler, finance, alice):
        client.force_login(finance)
        assert named_reward.case.number not in page(client, "reward-list")
        assert named_reward.case.number in page(client, "reward-list", tab="all")
        assert named_reward.case.number not in page(client, "reward-list", tab="all", status="paid")
        assert selectors.waiting_count(handler) == 1
        assert selectors.waiting_count(finance) == selectors.waiting_count(alice) == 0
        client.force_login(handler)
        task = pending_task(named_reward)
        response = client.get(reverse("reward-task", args=[task.pk]))
        assert response.status_code == 302 and response["Location"] == reverse("reward-detail", args=[named_reward.pk])
        assert client.get(reverse("reward-task", args=[999999])).status_code == 404
        claimed(named_reward, handler, alice)
        assert selectors.waiting_count(handler) == 0 and selectors.waiting_count(finance) == 1

    def test_the_list_runs_a_fixed_number_of_queries(
        self, named_reward, client, handler, lyg_bureau, clerk, alice, bob, bob2, other_subject,
        django_assert_max_num_queries,
    ):  # fmt: skip
        client.force_login(handler)
        client.get(reverse("reward-list"))  # warms the permission-id cache (organisation.visibility)
        with django_assert_max_num_queries(9):
            assert client.get(reverse("reward-list") + "?tab=all").status_code == 200
        with django_assert_max_num_queries(9):
            assert client.get(reverse("reward-list")).status_code == 200
        for anonymous in (False, True):
            report = submit(other_subject, agency=lyg_bureau, by=clerk, anonymous=anonymous).report
            closed_case_from(report, alice, [bob, bob2], other_subject)
        client.force_login(handler)
        with django_assert_max_num_queries(9):
            html = client.get(reverse("reward-list") + "?tab=all").content.decode()
        rewards = Reward.objects.all()
        assert rewards.count() == 3
        assert all(f'href="{reverse("reward-detail", args=[r.pk])}"' in html for r in rewards)
        with django_assert_max_num_queries(9):
            assert client.get(reverse("reward-list")).status_code == 200


class TestStartAndStatistics:
    def test_a_reward_handler_starts_a_reward_by_hand(
        self, lyg_bureau, clerk, alice, bob, bob2, subject, handler, client
    ):
        report = submit(subject, agency=lyg_bureau, by=clerk).report
        case = investigate(triage_decide(lead=report.lead, by=alice, decision="open").case, alice, [bob, bob2], subject)
        url = reverse("reward-start", args=[case.pk])
        for refused in (alice, bob):
            client.force_login(refused)
            assert client.post(url).status_code == 403
        client.force_login(handler)
        assert client.get(url).status_code == 405
        response = client.post(url)
        reward = Reward.objects.get(case=case)
        assert response.status_code == 302 and response["Location"] == reverse("reward-detail", args=[reward.pk])
        assert reward.report == report and reward.status == Reward.Status.REVIEWING
        again = client.post(url)
        assert again["Location"] == reverse("reward-detail", args=[reward.pk]) and Reward.objects.count() == 1

    def test_statistics_by_region_and_period(self, named_reward, client, handler, alice, finance, lyg_region):
        reward = claimed(named_reward, handler, alice)
        services.reward_pay(reward=reward, by=finance, paid_on=timezone.localdate(), voucher_no="记-1")
        received = timezone.localdate(reward.report.lead.received_at)
        days = (timezone.localdate() - received).days
        client.force_login(finance)
        html = page(client, "reward-statistics")
        assert lyg_region.name in html and "600.03" in html and f"{Decimal(days):.1f}" in html
        empty = page(client, "reward-statistics", date_from="2000-01-01", date_to="2000-12-31")
        assert "600.03" not in empty and "<table" not in empty
        stats = selectors.reward_statistics(
            rewards=Reward.objects.visible_to(finance), regions=selectors.regions_for(finance)
        )
        (row,) = stats.rows
        assert (row.region, row.paid_count, row.paid_total) == (lyg_region, 1, Decimal("600.03"))
        assert row.by_status == {"paid": 1} and stats.total.started == 1
        # A period that ends before it starts is refused and ignored: every paid reward is counted.
        reversed_period = page(client, "reward-statistics", date_from="2030-01-01", date_to="2020-01-01")
        assert "alert-error" in reversed_period and "600.03" in reversed_period


class TestReporterSide:
    def test_an_anonymous_reporter_sees_the_notice_and_claims_at_the_bureau(
        self, lyg_region, alice, bob, bob2, subject, handler, client, api
    ):
        received = submit(subject, region=lyg_region, anonymous=True)
        reward = Reward.objects.get(case=closed_case_from(received.report, alice, [bob, bob2], subject))
        reward = services.reward_review(reward=reward, by=handler, checks=dict.fromkeys(ALL_MET, True))
        reward = services.reward_propose(reward=reward, by=handler, verified_amount="12000.50")
        reward = services.reward_approve(reward=reward, by=alice, decision="approve")

        reporter = Client()
        assert (
            reporter.post(
                "/report/status/", {"receipt_code": received.report.receipt_code, "secret": received.secret}
            ).status_code
            == 302
        )  # noqa: E501
        assert "data-reward-status" not in reporter.get("/report/status/").content.decode()
        url = f"/api/v1/public/reports/{received.report.receipt_code}/"
        assert api.get(url, HTTP_X_REPORT_SECRET=received.secret).json()["reward"] is None

        client.force_login(handler)
        detail = page(client, "reward-detail", reward.pk)
        assert 'name="channel"' not in detail and "/identity/" not in detail  # nobody to reveal yet
        assert act(client, reward, "notify").status_code == 302
        reward.refresh_from_db()
        assert reward.notice_channel == "status_page" and reward.notice is None

        status_page = reporter.get("/report/status/").content.decode()
        assert 'data-reward-status="to_claim"' in status_page and "600.03" in status_page
        assert reward.claim_deadline.strftime("%Y年%-m月%-d日") in status_page
        assert handler.display_name not in status_page and alice.display_name not in status_page
        body = api.get(url, HTTP_X_REPORT_SECRET=received.secret).json()["reward"]
        assert body == {
            "status": "to_claim",
            "amount": "600.03",
            "claim_deadline": reward.claim_deadline.isoformat(),
            "paid_on": None,
        }

        claim = {
            "identity_check": "核验身份证及查询码",
            **PAYMENT,
            "claimant_name": "李雷",
            "claimant_phone": "13800001111",
        }
        response = act(client, reward, "claim", {**claim, "claimant_id_number": "110105194912310021"})
        assert response.status_code == 400 and "claimant_id_number" in field_errors(response, "claim")
        response = act(client, reward, "claim", {**claim, "claimant_id_number": "11010519491231002X"})
        assert response.status_code == 302
        detail = page(client, "reward-detail", reward.pk)
        assert "李雷" not in detail and "11010519491231002X" not in detail and "/identity/" in detail
        shown = client.post(reverse("reward-identity", args=[reward.pk])).content.decode()
        assert "李雷" in shown and "11010519491231002X" in shown
        assert 'data-reward-status="claimed"' in reporter.get("/report/status/").content.decode()
        assert "李雷" not in str(api.get(url, HTTP_X_REPORT_SECRET=received.secret).json())


def test_the_case_page_offers_the_reward_to_its_handlers_while_one_is_due(
    lyg_bureau, clerk, alice, bob, bob2, subject, handler, client
):
    from django.urls import reverse

    from rewards.models import Reward
    from tests.investigation_support import investigate
    from tests.reward_support import submit
    from workflows.triage import triage_decide

    report = submit(subject, agency=lyg_bureau, by=clerk).report
    case = investigate(triage_decide(lead=report.lead, by=alice, decision="open").case, alice, [bob, bob2], subject)
    start = reverse("reward-start", args=[case.pk])
    client.force_login(alice)
    assert start not in client.get(reverse("case-detail", args=[case.pk])).content.decode()
    client.force_login(handler)
    assert start in client.get(reverse("case-detail", args=[case.pk])).content.decode()
    client.post(start)
    assert Reward.objects.filter(case=case, report=report).exists()
    assert start not in client.get(reverse("case-detail", args=[case.pk])).content.decode()
