"""The court's liaison follows a judgment's restitution: records the 追缴会 held at the court, where one
defendant pays on the spot and both promise the rest, and sees the balance drop; a later payment above a
defendant's balance is refused with the balance named, and the right amount clears the debt."""

import datetime
import re
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

TODAY = datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def test_court_liaison_records_a_recovery_meeting_payment(actor, server):
    story = server.story("recovery_from_judgment")

    liaison = actor("court").login("lyg_court")
    page = liaison.page
    page.goto("/recoveries/")
    page.get_by_role("link", name=story["reference"]).click()
    totals = page.locator(".recovery-totals")
    expect(totals).to_contain_text("105,000.00")  # ordered: ¥60,000 + ¥45,000, nothing paid
    liaison.shot("recovery")

    # The 追缴会: 陈某明 pays ¥30,000 on the spot and promises the rest in a month; 林某华 promises all of it.
    page.locator("details:has(input[name=op][value=meeting]) > summary").click()
    meeting = page.locator("form:has(input[name=op][value=meeting])")
    meeting.locator("input[name=place]").fill("连云港市中级人民法院执行局")
    deadline = (TODAY + datetime.timedelta(days=30)).isoformat()
    chen = meeting.locator("tr", has_text="陈某明")
    chen.locator("input[name^=attended_]").check()
    chen.locator("input[name^=paid_]").fill("30000.00")
    chen.locator("input[name^=receipt_]").fill(f"ZJ{TODAY:%Y%m%d}001")
    chen.locator("input[name^=promised_]").fill("30000.00")
    chen.locator("input[name^=deadline_]").fill(deadline)
    lin = meeting.locator("tr", has_text="林某华")
    lin.locator("input[name^=attended_]").check()
    lin.locator("input[name^=promised_]").fill("45000.00")
    lin.locator("input[name^=deadline_]").fill(deadline)
    meeting.locator("textarea[name=note]").fill("医保诈骗案款专场追缴会。")
    liaison.shot("meeting-form")
    meeting.locator("button[type=submit]").click()

    expect(page.locator(".alert-success").first).to_contain_text("追缴会已登记")
    expect(totals.locator("div").nth(1)).to_contain_text("30,000.00")  # paid
    expect(totals.locator("div").nth(2)).to_contain_text("75,000.00")  # balance
    debtors = page.locator("table", has=page.locator("th", has_text="未缴")).first
    expect(debtors.locator("tr", has_text="陈某明")).to_contain_text("30,000.00")
    expect(page.locator("tr", has_text=f"ZJ{TODAY:%Y%m%d}001")).to_contain_text("30,000.00")
    liaison.shot("meeting-recorded")

    # A payment above 陈某明's balance is refused, naming the balance; the right amount clears the debt.
    page.locator("details:has(input[name=op][value=payment]) > summary").click()
    payment = page.locator("form:has(input[name=op][value=payment])")
    payment.locator("select[name=debtor]").select_option(label="陈某明")
    payment.locator("input[name=amount]").fill("40000.00")
    payment.locator("select[name=channel]").select_option("court_account")
    payment.locator("input[name=receipt_no]").fill("ZX2026001")
    payment.locator("button[type=submit]").click()
    payment = page.locator("form:has(input[name=op][value=payment])")
    expect(payment.locator(".has-error")).to_contain_text(re.compile(r"陈某明.*¥30,000\.00"))
    expect(totals.locator("div").nth(2)).to_contain_text("75,000.00")
    liaison.shot("overpayment")
    payment.locator("input[name=amount]").fill("30000.00")
    payment.locator("button[type=submit]").click()
    expect(totals.locator("div").nth(2)).to_contain_text("45,000.00")
    expect(page.locator("tr", has_text="陈某明").first).to_contain_text("已缴清")
