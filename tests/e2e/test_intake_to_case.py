"""A clerk registers a 12393 hotline report with the caller's name; a section head triages the lead it became
and opens a case; the case carries its number and 立案审批表."""

import re

from playwright.sync_api import expect

SUBJECT = "连云港海州仁和诊所"


def test_hotline_report_triaged_into_a_case(actor):
    clerk = actor("clerk").login("lyg_clerk")
    page = clerk.page
    page.goto("/intake/reports/new/")
    page.select_option("select[name=channel]", "hotline_12393")
    page.select_option("select[name=subject_kind]", "institution")
    page.fill("input[name=subject_name]", SUBJECT)
    page.fill("textarea[name=description]", "来电反映该诊所为参保人空刷医保卡换取生活用品，每次刷卡金额约200元。")
    page.fill("input[name=amount_estimate]", "12000")
    page.check("input[name=anonymous][value='0']")
    page.fill("input[name=reporter_name]", "孙建国")
    page.fill("input[name=reporter_phone]", "13805180000")
    clerk.shot("register")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("body")).to_contain_text(SUBJECT)
    expect(page.locator("body")).not_to_contain_text("孙建国")  # shown only on request, and the read is logged
    page.click("a[href='?identity=1']")
    expect(page.locator("body")).to_contain_text("孙建国")
    clerk.shot("registered")

    head = actor("head").login("lyg_head")
    page = head.page
    page.goto("/tasks/")
    page.locator("tr", has_text=SUBJECT).get_by_role("link").first.click()
    expect(page.locator("#triage-form")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("13805180000")  # a section head does not see the phone
    head.shot("triage")
    page.check("input[name=decision][value=open]")
    page.click("#triage-form button[type=submit]")
    expect(page.locator("body")).to_contain_text(re.compile(r"连医保立〔\d{4}〕\d+号"))
    expect(page.locator("body")).to_contain_text("立案审批表")
    head.shot("case")
