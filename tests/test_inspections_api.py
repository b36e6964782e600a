"""GET /api/v1/inspection-plans/ and /{id}/: shape, scoping, refusals."""

import datetime

import pytest

from inspections import services
from inspections.models import Plan
from organisation.roles import Role
from tests.factories import AgencyFactory, RegionFactory, SubjectFactory, UserFactory
from tests.inspection_support import plan_new

URL = "/api/v1/inspection-plans/"


@pytest.fixture
def drawn_plan(lyg_bureau, lyg_region, alice):
    for n in range(12):
        SubjectFactory(region=lyg_region, code=f"H{n:04d}", level="3" if n % 2 else "1")
    for n in range(2):
        UserFactory(username=f"inv{n}", first_name=f"稽查{n}", agency=lyg_bureau, roles=[Role.INVESTIGATOR])
    plan = plan_new(by=alice, regions=[lyg_region], sample_minimum=3)
    return services.plan_draw(plan, by=alice, seed="s-1")


def test_detail_shape(api_as, bob, drawn_plan):
    response = api_as(bob).get(f"{URL}{drawn_plan.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"id", "kind", "period", "sample_rule", "seed", "population_size", "targets", "status"}
    assert data["kind"] == "random" and data["status"] == "drawn" and data["seed"] == "s-1"
    assert data["period"] == {"from": "2026-10-01", "to": "2026-12-31"}
    assert data["sample_rule"] == {"percent": "10.00", "minimum": 3, "algorithm_version": "stratified-es-1"}
    assert data["population_size"] == 12 and len(data["targets"]) == 3
    target = data["targets"][0]
    assert set(target) == {
        *("subject", "stratum", "inspectors", "visited_on", "result", "record", "lead"),
        *("origin", "reference", "amount", "violations"),
    }
    assert target["origin"] == "draw" and target["reference"] == "" and target["amount"] is None
    assert target["violations"] == []
    assert set(target["subject"]) == {"kind", "code", "name"}
    assert sorted(target["inspectors"]) == ["稽查0", "稽查1"]
    assert target["result"] == "" and target["record"] is None


def test_draft_has_no_seed(api_as, alice, lyg_bureau, lyg_region):
    plan = plan_new(
        by=alice,
        regions=[lyg_region],
        title="飞行检查",
        kind=Plan.Kind.UNANNOUNCED,
        period_from=datetime.date(2026, 11, 1),
        period_to=datetime.date(2026, 11, 30),
        subject_kinds=["pharmacy"],
        sample_percent=5,
    )
    data = api_as(alice).get(f"{URL}{plan.pk}/").json()
    assert data["seed"] is None and data["population_size"] is None and data["targets"] == []


def test_list_for_owner_superior_bureau_and_auditor(api_as, alice, auditor, province_bureau, drawn_plan):
    superior = UserFactory(username="js_head", agency=province_bureau, roles=[Role.SECTION_HEAD])
    for user in (alice, auditor, superior):
        response = api_as(user).get(URL)
        assert response.status_code == 200
        assert [row["id"] for row in response.json()["results"]] == [drawn_plan.pk]
        assert api_as(user).get(f"{URL}{drawn_plan.pk}/").status_code == 200


def test_others_see_nothing(api, api_as, charlie, police, lyg_region, drawn_plan):
    county = RegionFactory(code="320722", name="东海县", parent=lyg_region, level="county")
    county_head = UserFactory(
        username="dh_head", agency=AgencyFactory(region=county), roles=[Role.SECTION_HEAD, Role.AUDITOR]
    )
    for user in (charlie, police, county_head):
        assert api_as(user).get(URL).json()["results"] == []
        assert api_as(user).get(f"{URL}{drawn_plan.pk}/").status_code == 404
    assert api.get(URL).status_code == 401
    assert api.get(f"{URL}{drawn_plan.pk}/").status_code == 401
    assert api_as(charlie).get(f"{URL}abc/").status_code == 404


def test_list_query_count_does_not_grow_with_plans(api_as, alice, drawn_plan, django_assert_max_num_queries):
    for _ in range(3):
        plan = Plan.objects.get(pk=drawn_plan.pk)
        plan.pk = None
        plan.save()
    with django_assert_max_num_queries(12):
        response = api_as(alice).get(URL)
    assert response.json()["count"] == 4
