"""A referral to the police: the head approves, the officer sends the package, the police liaison — with the
referral inbox already open — sees it arrive live, signs the 回执 and accepts; the bureau reads the outcome."""

import re

from playwright.sync_api import expect


def test_referral_sent_received_live_and_accepted(actor, server):
    story = server.story("referral_awaiting_approval")
    referral_url = f"/referrals/{story['referral']}/"

    police = actor("police").login("lyg_police")
    police.page.goto("/referrals/")
    expect(police.page.locator("body")).not_to_contain_text(story["number"])

    director = actor("director").login("lyg_director")
    page = director.page
    page.goto(referral_url)
    form = page.locator("form[action$='/do/approve/']")
    form.locator("input[name=decision][value=approve]").check()
    form.locator("textarea").fill("同意移送公安机关。")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success").first).to_be_visible()

    officer = actor("officer").login("lyg_inv1")
    page = officer.page
    page.goto(referral_url)
    page.locator("form[action$='/do/send/'] button[type=submit]").click()
    expect(page.locator("body")).to_contain_text(re.compile(r"连医保移〔\d{4}〕\d+号|涉嫌犯罪案件移送书"))
    officer.shot("sent")

    # Live: the toast and the refreshed inbox reach the liaison's open page without a reload.
    expect(police.page.locator(".live-toast").first).to_be_visible(timeout=10_000)
    expect(police.page.locator("[data-live-region]")).to_contain_text(story["number"], timeout=10_000)
    police.shot("inbox-live")
    police.page.goto(referral_url)
    expect(police.page.locator("body")).to_contain_text("涉嫌犯罪案件移送书")
    police.page.locator("form[action$='/do/receipt/'] button[type=submit]").click()
    accept = police.page.locator("form[action$='/do/accept/']")
    accept.locator("input[name=reference]").fill("连公刑立〔2026〕88号")
    accept.locator("button[type=submit]").click()
    expect(police.page.locator("body")).to_contain_text("连公刑立〔2026〕88号")
    police.shot("accepted")

    officer.page.goto(referral_url)
    expect(officer.page.locator("body")).to_contain_text("连公刑立〔2026〕88号")
