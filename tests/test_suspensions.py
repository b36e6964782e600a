"""Suspensions: the period computed in whole months, shown on the subject while in force."""

import datetime

import pytest
from django.urls import reverse

from casework.errors import InvalidInput
from casework.models import Subject, Suspension
from casework.suspensions import suspension_end, suspension_record
from workflows.triage import triage_decide


@pytest.fixture
def case(make_lead, alice):
    return triage_decide(lead=make_lead(), by=alice, decision="open").case


def test_six_months_from_the_first_end_on_the_last_day_of_the_sixth_month():
    assert suspension_end(datetime.date(2026, 3, 1), 6) == datetime.date(2026, 8, 31)
    # 31 August + 6 months has no 31 February: the period ends the day before 28 February.
    assert suspension_end(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 27)


def test_a_suspension_needs_months_and_a_partial_one_names_who(case, alice, subject):
    with pytest.raises(InvalidInput) as caught:
        suspension_record(
            subject=subject,
            case=case,
            scope="department",
            source="agreement",
            starts_on=datetime.date(2026, 1, 1),
            basis="《条例》第三十八条",
            by=alice,
        )
    assert set(caught.value.errors) == {"months", "detail"}
    assert not Suspension.objects.exists()


def test_in_force_only_within_its_period_and_termination_is_open_ended(case, alice, subject):
    today = datetime.date(2026, 11, 23)
    suspension_record(
        subject=subject,
        case=case,
        scope="services",
        source="penalty",
        months=6,
        starts_on=datetime.date(2026, 6, 1),
        basis="连医保罚决〔2026〕1号",
        by=alice,
    )
    annotated = Subject.objects.with_suspension(today).get(pk=subject.pk)
    assert (annotated.suspension_scope, annotated.suspended_until) == ("services", datetime.date(2026, 11, 30))
    later = Subject.objects.with_suspension(datetime.date(2026, 12, 1)).get(pk=subject.pk)
    assert later.suspension_scope is None
    suspension_record(
        subject=subject,
        case=case,
        scope="terminated",
        source="agreement",
        starts_on=datetime.date(2026, 11, 1),
        basis="连医保违约通〔2026〕2号",
        by=alice,
    )
    assert (
        Subject.objects.with_suspension(datetime.date(2030, 1, 1)).get(pk=subject.pk).suspension_scope == "terminated"
    )


def test_case_page_shows_the_subject_suspended(client, case, alice, subject):
    suspension_record(
        subject=subject,
        case=case,
        scope="services",
        source="agreement",
        months=3,
        starts_on=datetime.date.today() - datetime.timedelta(days=1),
        basis="协议第十条",
        by=alice,
    )
    client.force_login(alice)
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert "Suspended until" in page or "暂停至" in page or "暂停医保服务至" in page
