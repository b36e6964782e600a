"""Referral pages for both sides: the inbox, the referral page with the step to take, and refusals."""

import pytest
from django.urls import reverse

from referrals.models import Referral
from tests.referral_support import decided_for_referral

pytestmark = pytest.mark.django_db


def test_the_liaison_works_from_the_inbox(sent_referral, client, police, django_assert_max_num_queries):
    client.force_login(police)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("referral-list")).content.decode()
    assert sent_referral.number in page and "data-live-region" in page
    page = client.get(reverse("referral-detail", args=[sent_referral.pk])).content.decode()
    assert "涉嫌犯罪案件移送书" in page and "12000.50" in page
    assert reverse("case-detail", args=[sent_referral.case_id]) not in page
    response = client.post(reverse("referral-act", args=[sent_referral.pk, "receipt"]))
    assert response.status_code == 302
    response = client.post(reverse("referral-act", args=[sent_referral.pk, "reject"]), {"reason": ""})
    assert response.status_code == 400 and "form" in response.content.decode()
    response = client.post(
        reverse("referral-act", args=[sent_referral.pk, "accept"]), {"reference": "连公刑立〔2026〕5号"}
    )
    assert response.status_code == 302
    assert Referral.objects.get(pk=sent_referral.pk).status == Referral.Status.ACCEPTED
    # A second decision is refused with a message, not an error page.
    response = client.post(reverse("referral-act", args=[sent_referral.pk, "reject"]), {"reason": "x"}, follow=True)
    assert response.status_code == 200
    assert Referral.objects.get(pk=sent_referral.pk).status == Referral.Status.ACCEPTED


def test_the_bureau_prepares_and_the_head_approves_on_the_page(referral_case, alice, bob, director, lyg_police, client):
    referral = decided_for_referral(referral_case, alice, lyg_police)
    client.force_login(bob)
    page = client.get(reverse("referral-detail", args=[referral.pk])).content.decode()
    assert "referral-act" not in page  # url name never leaks; the form action does
    assert f"/referrals/{referral.pk}/do/report/" in page
    grounds = referral.to_agency and __import__("referrals.services", fromlist=["x"]).grounds_for(referral)
    data = {
        "grounds": [grounds.first().pk],
        "facts": "虚记费用骗取基金。",
        "evidence": list(referral.case.evidence.values_list("pk", flat=True)),
    }
    assert client.post(reverse("referral-act", args=[referral.pk, "report"]), data).status_code == 302
    # The investigator may not approve.
    assert (
        client.post(reverse("referral-act", args=[referral.pk, "approve"]), {"decision": "approve"}).status_code == 403
    )
    client.force_login(director)
    assert (
        client.post(
            reverse("referral-act", args=[referral.pk, "approve"]), {"decision": "approve", "note": "同意"}
        ).status_code
        == 302
    )
    client.force_login(bob)
    assert client.post(reverse("referral-act", args=[referral.pk, "send"])).status_code == 302
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.AWAITING_RECEIPT


def test_outsiders_and_anonymous_are_refused(sent_referral, client, cz_officer, charlie, inspector):
    evidence = sent_referral.evidence.first()
    paths = [
        reverse("referral-list"),
        reverse("referral-detail", args=[sent_referral.pk]),
        reverse("referral-evidence-file", args=[sent_referral.pk, evidence.pk]),
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(reverse("referral-act", args=[sent_referral.pk, "receipt"])).status_code == 302
    for outsider in (cz_officer, charlie, inspector):
        client.force_login(outsider)
        assert sent_referral.number not in client.get(reverse("referral-list") + "?tab=all").content.decode()
        for path in paths[1:]:
            assert client.get(path).status_code == 404
        assert client.post(reverse("referral-act", args=[sent_referral.pk, "receipt"])).status_code == 404
    assert Referral.objects.get(pk=sent_referral.pk).received_at is None


def test_task_links_lead_to_the_referral_page_only_for_those_who_see_it(sent_referral, client, police, cz_officer):
    from workflows.referral import pending_task

    task = pending_task(sent_referral)
    url = reverse("referral-task", args=[task.pk])
    assert client.get(url).status_code == 302 and "/accounts/login/" in client.get(url)["Location"]
    client.force_login(cz_officer)
    assert client.get(url).status_code == 404
    client.force_login(police)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == reverse("referral-detail", args=[sent_referral.pk])


def test_counter_referral_pages_refuse_outsiders(sent_referral, client, alice, police, cz_officer):
    from referrals.counter import counter_referral_submit

    counter_referral_submit(
        by=police,
        bureau_code="320700-bureau",
        subject_kind="institution",
        subject_name="某医院",
        title="移回行政处理的线索",
        description="请依法处理。",
    )
    for path in (reverse("counter-referral-list"), reverse("counter-referral-new")):
        assert client.get(path).status_code == 302
    client.force_login(alice)
    assert client.get(reverse("counter-referral-new")).status_code == 403
    client.force_login(cz_officer)
    assert "移回行政处理的线索" not in client.get(reverse("counter-referral-list")).content.decode()
    client.force_login(police)
    assert "移回行政处理的线索" in client.get(reverse("counter-referral-list")).content.decode()
