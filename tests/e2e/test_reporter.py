"""A reporter submits an anonymous report on the public site and follows it up with the receipt code and secret;
the intake clerk sees it in the inbox and replies; the reporter reads the reply."""

import re

from playwright.sync_api import expect


def test_anonymous_report_followed_up_with_its_code(actor):
    reporter = actor("reporter")
    page = reporter.page
    page.goto("/report/")
    page.select_option("select[name=region]", "320700")
    page.select_option("select[name=subject_kind]", "institution")
    page.fill("input[name=subject_name]", "连云港康宁医院")
    page.fill(
        "textarea[name=description]",
        "该院2026年9月起组织社区老人免费体检后办理住院，住院期间病人多数不在床，疑似挂床住院骗取医保基金。",
    )
    page.fill("input[name=amount_estimate]", "58000")
    page.check("input[name=anonymous][value='1']")
    reporter.shot("form")
    page.click("form button[type=submit]")
    code = page.inner_text("#receipt-code").strip()
    secret = page.inner_text("#secret").strip()
    assert re.fullmatch(r"[0-9 ]{16,}", code) and len(secret) >= 20
    reporter.shot("received")

    # Later, from another browser: follow up with the code and the secret.
    again = actor("reporter-later")
    page = again.page
    page.goto("/report/status/")
    page.fill("input[name=receipt_code]", code)
    page.fill("input[name=secret]", secret)
    page.click("form button[type=submit]")
    expect(page.locator("h1")).to_contain_text(code.replace(" ", "")[:4])
    expect(page.locator(".pub-status-text").first).not_to_be_empty()
    page.fill("textarea[name=body]", "补充：9月20日当天有12名老人被安排住院。")
    page.click("form:has(textarea[name=body]) button[type=submit]")
    expect(page.locator(".pub-msg-reporter")).to_contain_text("12名老人")
    again.shot("status")

    # The clerk of 连云港 sees the report in the intake inbox and replies.
    clerk = actor("clerk").login("lyg_clerk")
    page = clerk.page
    page.goto("/intake/")
    page.locator("tr", has_text="连云港康宁医院").get_by_role("link", name=code).click()
    expect(page.locator("body")).to_contain_text("挂床住院")
    expect(page.locator("body")).not_to_contain_text(secret)
    clerk.shot("report")
    reply = page.locator("form[action$='/reply/']")
    reply.locator("textarea").fill("已收到您的补充材料，我局正在核查。")
    reply.locator("button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("正在核查")

    # The reporter reads the reply.
    page = again.page
    page.reload()
    expect(page.locator(".pub-msg").last).to_contain_text("正在核查")
