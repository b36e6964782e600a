"""A freshly opened case investigated and punished: the section head assigns two investigators; one registers
evidence and a violation and submits the findings; the head issues the 调查终结报告 and decides on an
administrative penalty. The penalty runs the general procedure with a hearing: 事先告知书, the party's
statement asking for a hearing, 听证通知书 and 听证笔录, 法制审核 by the legal reviewer, the numbered
行政处罚决定书, 送达, and finance records the payments until the penalty is finished.

The case was opened three weeks ago (stories.opened_case), so the dates the officers enter — notice served
ten days ago, hearing held yesterday — respect the statutory periods (a hearing notice 7 days ahead)."""

import datetime
import re
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

TODAY = datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def day(days_ago: int) -> str:
    return (TODAY - datetime.timedelta(days=days_ago)).isoformat()


def submit(page, field: str) -> None:
    """Click the submit button of the form holding the named field."""
    page.locator(f"form:has([name={field}]) button[type=submit]").first.click()


def open_penalty_step(page, penalty_url: str) -> None:
    """From the penalty page, the button of the step under way."""
    page.goto(penalty_url)
    page.locator("a.btn-primary[href*='/tasks/penalty/']").click()


def test_investigation_and_penalty_with_hearing(actor, server):
    story = server.story("opened_case", title="虚记检查费用")
    case_url = f"/cases/{story['case']}/"

    # The section head assigns two investigators.
    head = actor("head").login("lyg_head")
    page = head.page
    page.goto(case_url)
    assign = page.locator("form[action$='/investigation/assign/']")
    values = [
        assign.locator("option", has_text=f"（{username}）").get_attribute("value")
        for username in ("lyg_inv1", "lyg_inv2")
    ]
    assign.locator("select[name=investigators]").select_option(values)
    assign.locator("button[type=submit]").click()
    expect(page.locator("#investigation")).to_contain_text("李明")
    expect(page.locator("#investigation")).to_contain_text("赵磊")

    # An investigator registers the evidence and the violation, then submits the findings.
    officer = actor("officer").login("lyg_inv1")
    page = officer.page
    page.goto(case_url)
    page.locator(f"a[href='/cases/{story['case']}/evidence/new/']").click()
    page.select_option("select[name=kind]", "documentary")
    page.fill("input[name=title]", "2026年1-6月检查费用结算明细及原始单据")
    page.locator("select[name=collected_by]").select_option(
        [
            page.locator("select[name=collected_by] option", has_text=f"（{u}）").get_attribute("value")
            for u in ("lyg_inv1", "lyg_inv2")
        ]
    )
    page.fill("input[name=collected_at]", f"{day(15)}T10:00")
    page.fill("input[name=place]", "医院财务科")
    submit(page, "title")
    expect(page.locator("body")).to_contain_text("2026年1-6月检查费用结算明细及原始单据")

    page.goto(case_url)
    violation = page.locator("form[action$='/violations/new/']")
    page.locator("details:has(form[action$='/violations/new/']) > summary").click()
    violation.locator("select[name=subject]").select_option(index=1)
    violation.locator("select[name=item]").select_option(label="5. 虚记、多记医疗服务费用")
    violation.locator("input[name=period_from]").fill("2026-01-01")
    violation.locator("input[name=period_to]").fill("2026-06-30")
    violation.locator("input[name=amount]").fill("60000.00")
    violation.locator("input[name=fund_loss]").fill("60000.00")
    violation.locator("textarea[name=description]").fill("虚记CT检查费用共计300人次。")
    violation.locator("button[type=submit]").click()
    expect(page.locator("tr.total")).to_contain_text("60,000.00")
    officer.shot("violation")

    page.locator("#investigation a[href*='/tasks/investigation/']").first.click()
    page.fill("textarea[name=summary]", "经调取结算数据和原始单据核实，该院虚记CT检查费用60000元。")
    submit(page, "summary")
    expect(page.locator(".alert-success").first).to_be_visible()

    # The head issues the investigation report and decides the penalty track.
    page = head.page
    page.goto(case_url)
    page.locator("#investigation a.btn-primary[href*='/tasks/investigation/']").click()
    page.fill("textarea[name=conclusion]", "事实清楚，证据确凿，建议给予行政处罚。")
    submit(page, "conclusion")
    expect(page.locator("#investigation")).to_contain_text(re.compile(r"连医保调终〔\d{4}〕\d+号"))
    page.locator("#outcome a.btn-primary[href*='/tasks/outcome/']").click()
    page.locator("input[name=penalty_subjects]").first.check()
    page.fill("textarea[name=reasoning]", "违法事实清楚，依法给予行政处罚。")
    head.shot("outcome")
    submit(page, "reasoning")
    page.locator("#penalties a[href*='/penalties/']").first.click()
    penalty_url = re.sub(r"^https?://[^/]+", "", page.url)
    expect(page.locator("h1")).to_contain_text(story["subject"])

    # 事先告知: refund the loss and a fine of twice it (¥120,000 ≥ ¥100,000: a hearing must be offered).
    page = officer.page
    open_penalty_step(page, penalty_url)
    page.select_option("select[name=article]", "40")
    page.fill("textarea[name=facts]", "当事人2026年1月至6月虚记CT检查费用，造成医保基金损失60000元。")
    page.fill("textarea[name=grounds]", "违反《条例》第四十条，依法责令退回并处罚款。")
    page.fill("input[name=refund]", "60000.00")
    page.fill("input[name=fine]", "120000.00")
    page.fill("input[name=served_on]", day(10))
    submit(page, "facts")
    expect(page.locator("body")).to_contain_text(re.compile(r"连医保罚告〔\d{4}〕\d+号"))

    # The party's statement, with a hearing asked for within 5 days.
    open_penalty_step(page, penalty_url)
    page.check("input[name=kind][value=statement]")
    page.fill("textarea[name=statement]", "当事人对罚款金额有异议，申请听证。")
    page.fill("input[name=received_on]", day(8))
    page.check("input[name=hearing_requested]")
    submit(page, "statement")
    expect(page.locator(".page-header")).to_contain_text("已申请听证，待安排")

    # The hearing: notice 7 days ahead, chaired by the section head (who did not investigate), held yesterday.
    open_penalty_step(page, penalty_url)
    page.fill("input[name=scheduled_at]", f"{day(1)}T09:30")
    page.fill("input[name=place]", "市医保局听证室")
    page.select_option("select[name=chair]", label=story["head_name"])
    page.fill("input[name=notice_sent_on]", day(8))
    submit(page, "scheduled_at")
    expect(page.locator("body")).to_contain_text(re.compile(r"连医保听通〔\d{4}〕\d+号"))
    open_penalty_step(page, penalty_url)
    page.fill("input[name=held_on]", day(1))
    page.fill("textarea[name=participants]", "主持人王建国；调查人员李明、赵磊；当事人委托代理人。")
    page.fill("textarea[name=investigators_case]", "调查人员陈述违法事实、证据和拟处罚意见。")
    page.fill("textarea[name=subject_statement]", "当事人承认虚记事实，请求从轻处罚。")
    submit(page, "participants")
    expect(page.locator("body")).to_contain_text(re.compile(r"连医保听录〔\d{4}〕\d+号"))
    expect(page.locator(".page-header")).to_contain_text("待法制审核")
    officer.shot("hearing")

    # 法制审核: the legal reviewer finds the task in their list.
    legal = actor("legal").login("lyg_legal")
    page = legal.page
    page.goto("/tasks/")
    page.locator("#penalty-tasks tr", has_text=story["number"]).locator("a[href*='/tasks/penalty/']").click()
    page.check("input[name=passed][value=yes]")
    page.fill("textarea[name=opinion]", "主体适格，事实清楚，证据确凿，程序合法，适用依据正确，裁量适当。")
    legal.shot("review")
    submit(page, "opinion")
    expect(page.locator("body")).to_contain_text(re.compile(r"连医保法审〔\d{4}〕\d+号"))

    # The decision, numbered, with the notified terms.
    page = head.page
    open_penalty_step(page, penalty_url)
    expect(page.locator("input[name=fine]")).to_have_value("120000.00")
    # The decision date comes pre-filled with today (a date input shows only an ISO value).
    expect(page.locator("input[name=decided_on]")).to_have_value(day(0))
    submit(page, "decided_on")
    decision = re.compile(r"连医保罚决〔\d{4}〕\d+号")
    expect(page.locator("body")).to_contain_text(decision)
    head.shot("decided")

    # 送达 in person today; the money falls due.
    page = officer.page
    open_penalty_step(page, penalty_url)
    page.select_option("select[name=method]", "direct")
    page.fill("input[name=served_on]", day(0))
    submit(page, "recipient")
    expect(page.locator("body")).to_contain_text(re.compile(r"连医保送证〔\d{4}〕\d+号"))

    # 执行: finance records the fine and the refund as paid; the penalty is finished, paid in full.
    finance = actor("finance").login("lyg_finance")
    page = finance.page
    page.goto("/tasks/")
    page.locator("#penalty-tasks tr", has_text=story["number"]).locator("a[href*='/tasks/penalty/']").click()
    task_url = page.url
    for ledger, amount, voucher in (("fine", "120000.00", "FK20260001"), ("fund_refund", "60000.00", "TH20260001")):
        page.goto(task_url)
        form = page.locator("form:has(input[name=action][value=payment])")
        form.locator("select[name=ledger]").select_option(ledger)
        form.locator("input[name=amount]").fill(amount)
        form.locator("input[name=paid_on]").fill(day(0))
        form.locator("input[name=voucher]").fill(voucher)
        form.locator("button[type=submit]").click()
        expect(page.locator(".alert-success").first).to_be_visible()
    expect(page.locator(".page-header")).to_contain_text("已办结")
    expect(page.locator(".page-header")).to_contain_text("已缴清")
    expect(page.locator("body")).to_contain_text(decision)
    finance.shot("paid")
