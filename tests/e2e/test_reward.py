"""A reporting reward from review to payout: the case an anonymous report began is closed with ¥12,000.50
verified; the reward handler finds the reporter eligible and proposes the rule's 5 % (¥600.03); the section
head approves (the numbered 举报奖励决定书); the handler notifies — for an anonymous reporter, on the status
page. The reporter looks the report up with the receipt code and secret and sees the reward to claim; at the
bureau, the handler records the claim (identity check, bank details); finance pays; the reporter sees it paid."""

import datetime
import re
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

TODAY = datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date()
AMOUNT = "600.03"  # 5 % of ¥12,000.50 (医保办发〔2022〕22号, the national rule the demo region uses)


def open_reward(page, number: str) -> None:
    """From the rewards waiting for this user, the case's reward."""
    page.goto("/rewards/")
    page.get_by_role("link", name=number).click()


def test_reward_approved_claimed_and_paid(actor, server):
    story = server.story("reward_awaiting_review")

    # The reward handler: eligibility, then the amount by the rule.
    handler = actor("handler").login("lyg_reward")
    page = handler.page
    open_reward(page, story["number"])
    review = page.locator("form[action$='/do/review/']")
    for checkbox in review.locator("input[name=checks]").all():
        checkbox.check()
    review.locator("button[type=submit]").click()
    propose = page.locator("form[action$='/do/propose/']")
    expect(propose.locator("input[name=verified_amount]")).to_have_value("12000.50")
    expect(propose).to_contain_text(f"¥{AMOUNT}")
    handler.shot("propose")
    propose.locator("button[type=submit]").click()
    expect(page.locator(".page-header")).to_contain_text(f"¥{AMOUNT}")

    # The section head approves: the reward decision is numbered.
    head = actor("head").login("lyg_head")
    page = head.page
    open_reward(page, story["number"])
    approve = page.locator("form[action$='/do/approve/']")
    approve.locator("input[name=decision][value=approve]").check()
    approve.locator("textarea[name=note]").fill("同意按规定标准奖励。")
    approve.locator("button[type=submit]").click()
    expect(page.locator("body")).to_contain_text(re.compile(r"连医保奖决〔\d{4}〕\d+号"))
    head.shot("approved")

    # The handler notifies: an anonymous reporter is told on the status page.
    page = handler.page
    page.reload()
    page.locator("form[action$='/do/notify/'] button[type=submit]").click()
    expect(page.locator("form[action$='/do/claim/']")).to_be_visible()

    # The reporter looks the report up and sees the reward to claim.
    reporter = actor("reporter")
    status = reporter.page
    status.goto("/report/status/")
    status.fill("input[name=receipt_code]", story["receipt_code"])
    status.fill("input[name=secret]", story["secret"])
    status.click("form button[type=submit]")
    reward = status.locator(".pub-reward")
    expect(reward).to_have_attribute("data-reward-status", "to_claim")
    expect(reward).to_contain_text(f"¥{AMOUNT}")
    reporter.shot("to-claim")

    # At the bureau, the reporter shows the receipt code and an ID card; the handler records the claim.
    claim = page.locator("form[action$='/do/claim/']")
    claim.locator("textarea[name=identity_check]").fill("举报人出示查询码及居民身份证原件，核对一致。")
    claim.locator("input[name=claimant_name]").fill("孙建国")
    claim.locator("input[name=claimant_phone]").fill("13805180000")
    claim.locator("input[name=claimant_id_number]").fill("32070319850312002X")
    claim.locator("input[name=payee]").fill("孙建国")
    claim.locator("input[name=bank]").fill("中国银行连云港分行")
    claim.locator("input[name=account]").fill("6217856100012345678")
    claim.locator("button[type=submit]").click()
    expect(page.locator("form[action$='/do/claim/']")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text("6217856100012345678")  # shown only on a logged reveal
    status.reload()
    expect(reward).to_have_attribute("data-reward-status", "claimed")

    # Finance pays.
    finance = actor("finance").login("lyg_finance")
    page = finance.page
    open_reward(page, story["number"])
    pay = page.locator("form[action$='/do/pay/']")
    pay.locator("input[name=paid_on]").fill(TODAY.isoformat())
    pay.locator("input[name=voucher_no]").fill("JL2026-0088")
    pay.locator("button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("JL2026-0088")
    finance.shot("paid")

    # The reporter sees it paid.
    status.reload()
    expect(reward).to_have_attribute("data-reward-status", "paid")
    expect(reward).to_contain_text(f"¥{AMOUNT}")
    expect(reward).to_contain_text(TODAY.isoformat())
    reporter.shot("paid")
