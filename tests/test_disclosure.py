"""公开 (issue 9): only published disclosures reach the public page and API, persons' names are masked and ID and
mobile numbers stripped, the API shape is the contract's, and only the owning bureau's heads manage them."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from casework.errors import InvalidInput, InvalidTransition
from casework.models import Case, CaseTrack, Subject
from disclosure import services
from disclosure.demo import seed_disclosures
from disclosure.masking import mask_person, redact
from disclosure.models import Disclosure
from disclosure.plan_results import draw_check
from inspections.demo import seed_inspections
from organisation.roles import Role
from tests.factories import SubjectFactory, UserFactory, found_loss

D = datetime.date
API = "/api/v1/public/disclosures/"


@pytest.fixture
def director(lyg_bureau):
    return UserFactory(username="director", first_name="周局", agency=lyg_bureau, roles=[Role.DIRECTOR])


def make(agency, by, *, publish=True, kind=Disclosure.Kind.TYPICAL_CASE, **fields):
    defaults = {
        "title": "某医院虚记费用案",
        "summary": "经查，该院虚记诊疗费用。",
        "outcome": "追回医保基金并处罚款。",
        "subject_name": "连云港市某医院",
        "subject_kind": Subject.Kind.INSTITUTION,
    }
    disclosure = services.disclosure_create(agency=agency, by=by, kind=kind, **{**defaults, **fields})
    if publish:
        disclosure = services.disclosure_publish(disclosure=disclosure, by=by, today=D(2026, 11, 2))
    return disclosure


_numbers = iter(range(1, 10_000))


def closed_case(agency, subjects, **fields) -> Case:
    n = next(_numbers)
    case = Case.objects.create(
        agency=agency,
        number=f"{agency.number_prefix}立〔2026〕{n}号",
        year=2026,
        sequence=n,
        title=fields.pop("title", "虚记费用案"),
        status=Case.Status.CLOSED,
        **fields,
    )
    case.subjects.set(subjects)
    return case


# Masking -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张某"),
        ("王小明", "王某"),
        ("欧阳修", "欧阳某"),
        ("司马相如", "司马某"),
        ("诸葛亮", "诸葛某"),
        ("令狐冲", "令狐某"),
        (" 上官婉儿 ", "上官某"),
        ("", ""),
    ],
)
def test_mask_person_keeps_the_surname_only(name, masked):
    assert mask_person(name) == masked


def test_redact_strips_id_and_mobile_numbers_and_keeps_other_numbers():
    text = "参保人身份证号320706199001011234，另一证件32070619900101123X，手机13812345678，涉及金额12345.67元，2026年"
    assert redact(text) == "参保人身份证号***，另一证件***，手机***，涉及金额12345.67元，2026年"
    assert redact("登记号3207**********1234") == "登记号***"
    assert redact("编号H32070300001") == "编号H32070300001"


def test_publishing_masks_person_names_and_strips_numbers(alice, lyg_bureau):
    draft = make(
        lyg_bureau,
        alice,
        publish=False,
        title="欧阳明华冒用他人医保卡案",
        subject_name="欧阳明华",
        subject_kind=Subject.Kind.INSURED,
        summary="欧阳明华（身份证号320706199001011234，电话138 1234 5678）多次冒用他人医保卡。",
        outcome="欧阳明华已退回基金。",
    )
    published = services.disclosure_publish(disclosure=draft, by=alice, today=D(2026, 11, 2))
    assert published.title == "欧阳某冒用他人医保卡案"
    assert published.summary == "欧阳某（身份证号***，电话***）多次冒用他人医保卡。"
    assert published.outcome == "欧阳某已退回基金。"
    assert published.subject_name == "欧阳明华"  # stored as given; masked when shown
    assert published.public_subject_name == "欧阳某"
    assert (published.status, published.published_on, published.published_by) == ("published", D(2026, 11, 2), alice)


def test_draw_record_targets_that_are_persons_are_masked(alice, lyg_bureau):
    record = {
        "seed": "20261102-7",
        "algorithm": "v1",
        "population_size": 3,
        "targets": [
            {"kind": "institution", "code": "H32070300001", "name": "连云港市第一人民医院"},
            {"kind": "practitioner", "code": "D320706199001011234", "name": "李建国"},
        ],
    }
    published = make(lyg_bureau, alice, kind=Disclosure.Kind.RANDOM_CHECK, draw_record=record)
    targets = published.draw_record["targets"]
    assert targets[0] == {"kind": "institution", "code": "H32070300001", "name": "连云港市第一人民医院"}
    assert targets[1] == {"kind": "practitioner", "name": "李某"}
    assert published.draw_record["seed"] == "20261102-7"


# The public page and API -----------------------------------------------------------------------------


@pytest.fixture
def items(alice, lyg_bureau):
    published = make(lyg_bureau, alice, title="公开的典型案例")
    doctor = make(
        lyg_bureau,
        alice,
        title="医师违规开药案",
        subject_name="诸葛明",
        subject_kind=Subject.Kind.PRACTITIONER,
    )
    draft = make(lyg_bureau, alice, publish=False, title="尚未发布的草稿")
    withdrawn = make(lyg_bureau, alice, title="已撤回的案例")
    services.disclosure_withdraw(disclosure=withdrawn, by=alice, reason="信息有误")
    return {"published": published, "doctor": doctor, "draft": draft, "withdrawn": withdrawn}


def test_public_page_lists_only_published_items_and_masks_names(client, items, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get(reverse("disclosure-public-list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "公开的典型案例" in page and "医师违规开药案" in page
    assert "尚未发布的草稿" not in page and "已撤回的案例" not in page
    assert "诸葛某" in page and "诸葛明" not in page
    assert "连云港市某医院" in page  # institutions keep their names


def test_public_detail_only_for_published_items(client, items):
    assert client.get(reverse("disclosure-public-detail", args=[items["published"].pk])).status_code == 200
    doctor_page = client.get(reverse("disclosure-public-detail", args=[items["doctor"].pk])).content.decode()
    assert "诸葛某" in doctor_page and "诸葛明" not in doctor_page
    for key in ("draft", "withdrawn"):
        assert client.get(reverse("disclosure-public-detail", args=[items[key].pk])).status_code == 404
    assert client.get("/disclosures/999999/").status_code == 404


def test_public_page_filters_by_kind_and_region(client, alice, charlie, lyg_bureau, cz_bureau):
    make(lyg_bureau, alice, title="连云港典型案例")
    make(lyg_bureau, alice, title="连云港抽查结果", kind=Disclosure.Kind.RANDOM_CHECK)
    make(cz_bureau, charlie, title="常州典型案例")
    page = client.get(reverse("disclosure-public-list"), {"kind": "random_check"}).content.decode()
    assert "连云港抽查结果" in page and "连云港典型案例" not in page and "常州典型案例" not in page
    page = client.get(reverse("disclosure-public-list"), {"region": cz_bureau.region.code}).content.decode()
    assert "常州典型案例" in page and "连云港典型案例" not in page


def test_random_check_page_shows_the_draw_record(client, alice, lyg_bureau):
    record = {"seed": "8812", "population_size": 40, "targets": [{"kind": "pharmacy", "name": "康泰大药房"}]}
    item = make(
        lyg_bureau, alice, kind=Disclosure.Kind.RANDOM_CHECK, title="2026年第四季度双随机抽查", draw_record=record
    )
    page = client.get(reverse("disclosure-public-detail", args=[item.pk])).content.decode()
    assert "8812" in page and "康泰大药房" in page and ">40<" in page


def test_public_api_shape_and_content(api, items, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = api.get(API)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2
    for row in body["results"]:
        assert set(row) == {"kind", "title", "published_on", "subject_name", "outcome", "summary"}
    by_title = {row["title"]: row for row in body["results"]}
    assert set(by_title) == {"公开的典型案例", "医师违规开药案"}
    assert by_title["医师违规开药案"] == {
        "kind": "typical_case",
        "title": "医师违规开药案",
        "published_on": "2026-11-02",
        "subject_name": "诸葛某",
        "outcome": "追回医保基金并处罚款。",
        "summary": "经查，该院虚记诊疗费用。",
    }
    assert by_title["公开的典型案例"]["subject_name"] == "连云港市某医院"
    assert api.get(API, {"kind": "random_check"}).json()["count"] == 0
    assert api.get(API, {"region": "999999"}).json()["count"] == 0


# Publishing and withdrawing ---------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["title", "summary", "outcome"])
def test_publish_requires_title_summary_and_outcome(alice, lyg_bureau, field):
    draft = make(lyg_bureau, alice, publish=False)
    Disclosure.objects.filter(pk=draft.pk).update(**{field: "  "})
    draft.refresh_from_db()
    with pytest.raises(InvalidInput) as raised:
        services.disclosure_publish(disclosure=draft, by=alice)
    assert set(raised.value.errors) == {field}
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.published_on is None


def test_publish_twice_and_withdraw_without_reason_are_refused(alice, lyg_bureau):
    item = make(lyg_bureau, alice)
    with pytest.raises(InvalidTransition):
        services.disclosure_publish(disclosure=item, by=alice)
    with pytest.raises(InvalidInput):
        services.disclosure_withdraw(disclosure=item, by=alice, reason=" ")
    services.disclosure_withdraw(disclosure=item, by=alice, reason="当事人申请复核")
    with pytest.raises(InvalidTransition):
        services.disclosure_withdraw(disclosure=item, by=alice, reason="再次撤回")


def test_only_the_bureaus_heads_create_and_publish(alice, bob, charlie, director, lyg_bureau):
    with pytest.raises(PermissionDenied):
        make(lyg_bureau, bob, publish=False)
    with pytest.raises(PermissionDenied):
        make(lyg_bureau, charlie, publish=False)
    draft = make(lyg_bureau, alice, publish=False)
    with pytest.raises(PermissionDenied):
        services.disclosure_publish(disclosure=draft, by=charlie)
    assert services.disclosure_publish(disclosure=draft, by=director).status == "published"


# A typical case from a closed case -----------------------------------------------------------------------


def test_typical_case_from_a_closed_case_is_prefilled_and_masked(alice, lyg_bureau, lyg_region):
    hospital = SubjectFactory(region=lyg_region, name="连云港康复医院", code="H32070399001")
    insured = SubjectFactory(region=lyg_region, kind=Subject.Kind.INSURED, name="夏侯东升", code="I0001")
    case = closed_case(lyg_bureau, [hospital, insured], title="串换药品案")
    found_loss(case, hospital, "1200.50")
    found_loss(case, insured, "30000")
    CaseTrack.objects.create(case=case, kind=CaseTrack.Kind.PENALTY)

    draft = services.disclosure_from_case(case, alice)
    assert (draft.status, draft.kind, draft.case, draft.agency) == ("draft", "typical_case", case, lyg_bureau)
    assert (draft.subject_name, draft.subject_kind) == ("夏侯东升", "insured")
    assert draft.title == "夏侯某串换药品案"
    assert "夏侯东升" not in draft.summary + draft.outcome + draft.title
    assert "夏侯某" in draft.summary and "连云港康复医院" in draft.summary
    assert "31,200.50元" in draft.summary
    assert "行政处罚" in draft.outcome
    assert services.disclosure_publish(disclosure=draft, by=alice).public_subject_name == "夏侯某"


def test_only_closed_cases_of_the_bureau_become_typical_cases(alice, charlie, lyg_bureau, subject):
    case = closed_case(lyg_bureau, [subject])
    with pytest.raises(PermissionDenied):
        services.disclosure_from_case(case, charlie)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.INVESTIGATING)
    case.refresh_from_db()
    with pytest.raises(InvalidInput):
        services.disclosure_from_case(case, alice)


# Staff pages ---------------------------------------------------------------------------------------------


def test_manage_pages_for_the_bureaus_heads(client, alice, lyg_bureau, subject, django_assert_max_num_queries):
    item = make(lyg_bureau, alice, publish=False, title="待发布的案例")
    case = closed_case(lyg_bureau, [subject], title="分解住院案")
    client.force_login(alice)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("disclosure-manage"))
    assert response.status_code == 200 and "待发布的案例" in response.content.decode()
    assert client.get(reverse("disclosure-manage-detail", args=[item.pk])).status_code == 200

    response = client.post(reverse("disclosure-publish", args=[item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "published"
    response = client.post(reverse("disclosure-withdraw", args=[item.pk]), {"reason": "内容需更正"})
    item.refresh_from_db()
    assert (item.status, item.withdrawal_reason) == ("withdrawn", "内容需更正")

    response = client.post(reverse("disclosure-manage"), {"case-case": case.pk})
    created = Disclosure.objects.get(case=case)
    assert response.status_code == 302 and response["Location"] == reverse(
        "disclosure-manage-detail", args=[created.pk]
    )

    response = client.post(
        reverse("disclosure-manage"),
        {
            "new-kind": "random_check",
            "new-title": "第四季度抽查结果",
            "new-summary": "抽查10家",
            "new-outcome": "均合规",
        },
    )
    assert response.status_code == 302
    assert Disclosure.objects.get(title="第四季度抽查结果").status == "draft"


def test_manage_page_edits_a_draft(client, alice, lyg_bureau):
    item = make(lyg_bureau, alice, publish=False)
    client.force_login(alice)
    response = client.post(
        reverse("disclosure-manage-detail", args=[item.pk]),
        {"title": "改后的标题", "summary": "新摘要", "outcome": "新结果", "subject_kind": "", "draw_record": ""},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.summary, item.outcome, item.kind) == ("改后的标题", "新摘要", "新结果", "typical_case")


def test_manage_pages_refuse_others(client, alice, bob, charlie, police, lyg_bureau):
    item = make(lyg_bureau, alice, publish=False)
    urls = [
        reverse("disclosure-manage-detail", args=[item.pk]),
    ]
    posts = [reverse("disclosure-publish", args=[item.pk]), reverse("disclosure-withdraw", args=[item.pk])]
    # Anonymous: to the login page.
    for url in [reverse("disclosure-manage"), *urls]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for url in posts:
        assert client.post(url, {"reason": "x"}).status_code == 302
    # Another bureau's head: its own (empty) list, and 404 on this bureau's item.
    client.force_login(charlie)
    response = client.get(reverse("disclosure-manage"))
    assert response.status_code == 200 and item.title not in response.content.decode()
    for url in urls:
        assert client.get(url).status_code == 404
    for url in posts:
        assert client.post(url, {"reason": "x"}).status_code == 404
    # The bureau's investigator: 403; the police: 404.
    for user, status in ((bob, 403), (police, 404)):
        client.force_login(user)
        assert client.get(reverse("disclosure-manage")).status_code == status
        for url in urls:
            assert client.get(url).status_code == status
        for url in posts:
            assert client.post(url, {"reason": "x"}).status_code == status
    item.refresh_from_db()
    assert item.status == "draft"


# Demo ---------------------------------------------------------------------------------------------------


def test_seed_disclosures(alice, lyg_bureau, lyg_region):
    hospital = SubjectFactory(region=lyg_region, name="连云港东方医院", code="H32070388001")
    insured = SubjectFactory(region=lyg_region, kind=Subject.Kind.INSURED, name="司马青", code="I0099")
    found_loss(closed_case(lyg_bureau, [hospital]), hospital, "5000")
    found_loss(closed_case(lyg_bureau, [insured]), insured, "800")
    for n in range(2):
        UserFactory(username=f"insp{n}", agency=lyg_bureau, roles=[Role.INVESTIGATOR])
    seed_inspections(region=lyg_region, today=D(2026, 11, 20))
    seed_disclosures(bureau=lyg_bureau, today=D(2026, 11, 20))
    published = Disclosure.objects.published()
    assert published.filter(kind="typical_case").count() == 2
    check = published.get(kind="random_check")
    assert {"seed", "population_size", "targets"} <= set(check.draw_record)
    assert len(check.draw_record["targets"]) <= check.draw_record["population_size"]
    assert draw_check(check.draw_record) is True
    assert Disclosure.objects.filter(status="draft").count() == 1
    assert "司马青" not in str(list(published.values_list("title", "summary", "outcome")))
