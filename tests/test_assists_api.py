"""协查 over the API (issue 9): the two bureaus only, the receiver never sees the sender's case, one decision
wins (409 after), bad input 400 with field messages, others 404, anonymous 401."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assists import services
from assists.models import AssistRequest
from organisation.roles import Role
from tests.factories import AgencyFactory, RegionFactory, UserFactory
from workflows.triage import triage_decide

API = "/api/v1/assist-requests/"


@pytest.fixture
def case(make_lead, alice):
    return triage_decide(lead=make_lead(), by=alice, decision="open").case


@pytest.fixture
def assist(alice, cz_bureau, case):
    return services.assist_send(
        by=alice,
        to_agency=cz_bureau,
        case=case,
        subject_name="常州市康复医院",
        question="请核查参保人张某2025年3月在该院的住院记录。",
        due_on=timezone.localdate() + datetime.timedelta(days=10),
    )


@pytest.fixture
def dave(province):
    region = RegionFactory(code="321300", name="宿迁市", parent=province)
    bureau = AgencyFactory(region=region, code="321300-bureau", name="宿迁市医疗保障局", number_prefix="宿医保")
    return UserFactory(username="dave", agency=bureau, roles=[Role.SECTION_HEAD])


def test_boxes_list_what_each_side_sees(assist, api_as, alice, charlie, case):
    received = api_as(charlie).get(API).json()
    assert received["count"] == 1 and received["results"][0]["case"] is None  # never the sender's case
    assert api_as(charlie).get(API, {"box": "sent"}).json()["count"] == 0
    sent = api_as(alice).get(API, {"box": "sent"}).json()
    assert sent["count"] == 1 and sent["results"][0]["case"] == case.number
    assert api_as(alice).get(API).json()["count"] == 0
    assert api_as(charlie).get(API, {"status": "answered"}).json()["count"] == 0
    assert api_as(charlie).get(API, {"status": "bogus"}).status_code == 400
    assert api_as(charlie).get(API, {"box": "bogus"}).status_code == 400


def test_answer_with_a_file_then_a_second_decision_is_a_conflict(assist, api_as, charlie, alice):
    client = api_as(charlie)
    upload = SimpleUploadedFile("住院病历.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(f"{API}{assist.pk}/answer/", {"findings": "住院记录真实。", "files": [upload]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "answered" and body["files"][0]["filename"] == "住院病历.pdf"
    again = client.post(f"{API}{assist.pk}/decline/", {"reason": "重复"}, format="json")
    assert again.status_code == 409
    assert api_as(alice).get(f"{API}{assist.pk}/").json()["answer"] == "住院记录真实。"


def test_bad_input_gives_field_messages_and_writes_nothing(assist, api_as, charlie):
    response = api_as(charlie).post(f"{API}{assist.pk}/decline/", {"reason": " "}, format="json")
    assert response.status_code == 400 and "reason" in str(response.json())
    response = api_as(charlie).post(f"{API}{assist.pk}/answer/", {}, format="json")
    assert response.status_code == 400 and "findings" in str(response.json())
    assert AssistRequest.objects.get(pk=assist.pk).status == "sent"


def test_sender_may_not_answer_outsiders_and_anonymous_are_refused(assist, api_as, alice, dave, police, client):
    assert api_as(alice).post(f"{API}{assist.pk}/answer/", {"findings": "x"}, format="json").status_code == 403
    for outsider in (dave, police):
        api = api_as(outsider)
        assert api.get(API).json()["count"] == 0 and api.get(API, {"box": "sent"}).json()["count"] == 0
        assert api.get(f"{API}{assist.pk}/").status_code == 404
        assert api.post(f"{API}{assist.pk}/decline/", {"reason": "x"}, format="json").status_code == 404
    assert client.get(API).status_code == 401
    assert client.post(f"{API}{assist.pk}/decline/", {"reason": "x"}).status_code == 401
    assert AssistRequest.objects.get(pk=assist.pk).status == "sent"


def test_list_query_count_does_not_grow(assist, api_as, alice, cz_bureau, case, charlie, django_assert_max_num_queries):
    for n in range(5):
        services.assist_send(
            by=alice, to_agency=cz_bureau, case=case, subject_name=f"机构{n}", question="核查", due_on=assist.due_on
        )
    client = api_as(alice)
    with django_assert_max_num_queries(8):
        assert client.get(API, {"box": "sent"}).json()["count"] == 6
