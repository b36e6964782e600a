"""Inspection pages: list and create, detail with the draw, the visit form; refusals."""

import pytest
from django.utils import translation

from casework.models import Lead, ViolationItem
from inspections.models import Plan
from organisation.roles import Role
from tests.factories import SubjectFactory, UserFactory


@pytest.fixture
def setup(lyg_bureau, lyg_region):
    for n in range(12):
        SubjectFactory(region=lyg_region, code=f"H{n:04d}", level="3" if n % 2 else "1")
    return [
        UserFactory(username=f"inv{n}", first_name=f"稽查{n}", agency=lyg_bureau, roles=[Role.INVESTIGATOR])
        for n in range(2)
    ]


def create(client, lyg_region, **fields):
    data = {
        "title": "双随机检查",
        "kind": "random",
        "period_from": "2026-10-01",
        "period_to": "2026-12-31",
        "subject_kinds": ["institution"],
        "regions": [lyg_region.pk],
        "sample_percent": "10",
        "sample_minimum": "3",
        **fields,
    }
    return client.post("/inspections/", data)


def test_create_draw_and_visit(client, alice, lyg_region, setup):
    client.force_login(alice)
    response = create(client, lyg_region)
    plan = Plan.objects.get()
    assert response.status_code == 302 and response.url == f"/inspections/{plan.pk}/"
    assert client.post(f"/inspections/{plan.pk}/draw/", {"seed": "abc"}).status_code == 302
    plan.refresh_from_db()
    assert plan.seed == "abc" and plan.targets.count() == 3
    page = client.get(f"/inspections/{plan.pk}/").content.decode()
    assert "stratified-es-1" in page and "稽查0" in page and "稽查1" in page

    inspector = setup[0]
    client.force_login(inspector)
    target = plan.targets.order_by("position").first()
    url = f"/inspections/{plan.pk}/targets/{target.pk}/visit/"
    prefix = f"t{target.pk}"
    bad = client.post(url, {f"{prefix}-person": "张院长", f"{prefix}-findings": ""})
    assert bad.status_code == 400
    found = {f"{prefix}-person": "张院长", f"{prefix}-findings": "发现串换药品。", f"{prefix}-found": "on"}
    assert client.post(url, found).status_code == 400  # irregularities found name their taxonomy items
    item = ViolationItem.objects.get(subject_kind="institution", number=6)
    response = client.post(url, {**found, f"{prefix}-violations": [item.pk]})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.result == "found" and target.record_id
    assert Lead.objects.get(pk=target.lead_id).source_kind == "inspection"


def test_create_errors_and_draw_errors(client, alice, lyg_region, cz_region, lyg_bureau):
    client.force_login(alice)
    assert create(client, lyg_region, sample_percent="0").status_code == 200
    assert create(client, lyg_region, regions=[cz_region.pk]).status_code == 200
    assert not Plan.objects.exists()
    create(client, lyg_region, subject_kinds=["pharmacy"])
    plan = Plan.objects.get()
    response = client.post(f"/inspections/{plan.pk}/draw/", {"seed": ""})
    assert response.status_code == 400
    from django.utils.html import escape
    from django.utils.translation import gettext

    message = gettext("No designated institution or pharmacy of the plan's kinds is registered in its regions.")
    assert escape(message) in response.content.decode()


def test_refusals(client, alice, bob, clerk, charlie, police, lyg_region, setup):
    client.force_login(alice)
    create(client, lyg_region)
    plan = Plan.objects.get()
    # bob (investigator of the bureau) reads but neither creates nor draws.
    client.force_login(bob)
    assert client.get(f"/inspections/{plan.pk}/").status_code == 200
    assert create(client, lyg_region).status_code == 403
    assert client.post(f"/inspections/{plan.pk}/draw/", {}).status_code == 403
    for outsider in (charlie, police):
        client.force_login(outsider)
        assert plan.title not in client.get("/inspections/").content.decode()
        assert client.get(f"/inspections/{plan.pk}/").status_code == 404
        assert client.post(f"/inspections/{plan.pk}/draw/", {}).status_code == 404
    client.force_login(alice)
    client.post(f"/inspections/{plan.pk}/draw/", {"seed": "1"})
    target = Plan.objects.get().targets.first()
    client.force_login(clerk)  # of the bureau, but not one of the pair
    assert client.post(f"/inspections/{plan.pk}/targets/{target.pk}/visit/", {}).status_code == 403
    client.logout()
    assert client.get("/inspections/").status_code == 302
    assert client.get(f"/inspections/{plan.pk}/").status_code == 302


def test_list_query_count(client, alice, lyg_region, setup, django_assert_max_num_queries):
    client.force_login(alice)
    for _ in range(4):
        create(client, lyg_region)
    with django_assert_max_num_queries(15):
        response = client.get("/inspections/")
    assert response.content.decode().count("双随机检查") >= 4


def test_stratum_reads_as_words():
    from inspections.models import Target

    with translation.override("zh-hans"):
        assert Target(stratum="institution:2:public").stratum_label == "定点医疗机构 · 二级 · 公立"
        assert Target(stratum="pharmacy:-:-").stratum_label == "定点零售药店"
