"""反向移送: a partner agency sends the bureau a lead; it arrives in the bureau's triage."""

import pytest
from django.urls import reverse

from casework.errors import InvalidInput
from casework.models import Lead
from referrals.counter import counter_referral_submit
from referrals.models import CounterReferral
from referrals.services import referral_reject

pytestmark = pytest.mark.django_db


def test_a_refused_case_comes_back_as_a_lead_in_triage(sent_referral, police, alice, client):
    referral_reject(referral=sent_referral, by=police, reason="不构成犯罪。")
    sent = counter_referral_submit(
        by=police,
        bureau_code="320700-bureau",
        subject_kind="institution",
        subject_name=sent_referral.case.subjects.first().name,
        title="不予立案案件移回行政处理",
        description="经审查不构成犯罪，请依法作行政处理。",
        reference="连公不立〔2026〕3号",
        referral=sent_referral,
    )
    lead = sent.lead
    assert lead.source_kind == Lead.SourceKind.REFERRAL and lead.status == Lead.Status.PENDING
    assert lead.agency.code == "320700-bureau" and lead.deadline is not None
    assert lead.triage_process is not None
    client.force_login(alice)
    page = client.get(reverse("lead-detail", args=[lead.pk])).content.decode()
    assert "连云港市公安局" in page and "连公不立〔2026〕3号" in page
    assert lead.pk in [row.pk for row in Lead.objects.triageable_by(alice)]
    # The police see what they sent, not the lead itself.
    client.force_login(police)
    assert "不予立案案件移回行政处理" in client.get(reverse("counter-referral-list")).content.decode()
    assert client.get(reverse("lead-detail", args=[lead.pk])).status_code == 404


def test_bad_input_and_who_may_send(police, alice, charlie, client):
    with pytest.raises(InvalidInput) as caught:
        counter_referral_submit(
            by=police, bureau_code="320400-bureau", subject_kind="x", subject_name="", title="", description=""
        )
    assert set(caught.value.errors) == {"bureau", "subject_kind", "subject_name", "title", "description"}
    for user in (alice, charlie):
        client.force_login(user)
        assert client.get(reverse("counter-referral-new")).status_code == 403
    client.logout()
    assert client.get(reverse("counter-referral-new")).status_code == 302
    client.force_login(police)
    response = client.post(reverse("counter-referral-new"), {"bureau": "320700-bureau", "title": ""})
    assert response.status_code == 200 and not CounterReferral.objects.exists()
