"""双随机一公开 (issue 9): a drawn plan's results are published with its draw record; the public page re-runs the
draw from the published record and says whether it gives the targets listed; the record is downloadable."""

import datetime
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from casework.errors import InvalidInput
from casework.models import Subject, ViolationItem
from disclosure import services
from disclosure.models import Disclosure
from disclosure.plan_results import disclosure_from_plan, draw_check
from inspections import services as inspections
from inspections.models import Plan
from organisation.roles import Role
from tests.factories import SubjectFactory, UserFactory
from tests.inspection_support import plan_new

D = datetime.date


@pytest.fixture
def drawn_plan(lyg_bureau, lyg_region, alice):
    for n in range(3):
        UserFactory(username=f"insp{n}", agency=lyg_bureau, roles=[Role.INVESTIGATOR])
    for n in range(30):
        SubjectFactory(
            region=lyg_region,
            code=f"H3207{n:04d}",
            name=f"连云港市第{n + 1}医院",
            level=[Subject.Level.TERTIARY, Subject.Level.SECONDARY][n % 2],
            ownership=Subject.Ownership.PUBLIC,
        )
    plan = plan_new(
        by=alice, regions=[lyg_region], title="2026年第四季度定点医疗机构“双随机、一公开”检查", sample_minimum=5
    )
    plan = inspections.plan_draw(plan, by=alice, seed="lyg-2026Q4")
    first, second = plan.targets.order_by("position")[:2]
    inspections.target_visit(first, by=alice, findings="未发现问题。", found=False)
    item = ViolationItem.objects.get(subject_kind="institution", number=3)
    inspections.target_visit(second, by=alice, findings="疑似挂床住院。", found=True, violations=[item.pk])
    return plan


def published(plan, by):
    return services.disclosure_publish(disclosure=disclosure_from_plan(plan, by), by=by, today=D(2026, 11, 20))


def test_plan_results_carry_the_real_draw_and_each_targets_outcome(drawn_plan, alice):
    item = published(drawn_plan, alice)
    record = item.draw_record
    assert (item.kind, item.source_ref) == (Disclosure.Kind.RANDOM_CHECK, f"inspection-plan:{drawn_plan.pk}")
    assert record["seed"] == "lyg-2026Q4" and record["population_size"] == 30
    assert [t["code"] for t in record["targets"]] == list(
        drawn_plan.targets.order_by("position").values_list("subject__code", flat=True)
    )
    outcomes = [t["outcome"] for t in record["targets"]]
    assert outcomes[:2] == ["未发现违法违规问题", "发现问题，已转入线索核查依法处理"]
    assert set(outcomes[2:]) == {"检查中"}
    # Not published: credit grades, inspectors' names.
    assert all("grade" not in member for member in record["population"])
    assert "王丽" not in json.dumps(record, ensure_ascii=False)
    assert "1家未发现违法违规问题；1家发现问题" in item.outcome


def test_published_record_reruns_to_the_same_targets_and_a_tampered_one_does_not(drawn_plan, alice):
    record = published(drawn_plan, alice).draw_record
    assert draw_check(record) is True
    assert draw_check({**record, "seed": "another-seed"}) is False
    assert draw_check({"seed": "x", "targets": []}) is None  # typed by hand: nothing to re-run


def test_a_draft_plan_cannot_be_published(lyg_bureau, lyg_region, alice):
    plan = plan_new(by=alice, regions=[lyg_region], title="未抽取的计划", sample_percent=Decimal("5"))
    with pytest.raises(InvalidInput) as error:
        disclosure_from_plan(plan, alice)
    assert "plan" in error.value.errors


def test_public_page_shows_the_check_and_offers_the_record(client, drawn_plan, alice):
    item = published(drawn_plan, alice)
    page = client.get(reverse("disclosure-public-detail", args=[item.pk])).content.decode()
    assert 'data-draw-check="match"' in page
    assert "lyg-2026Q4" in page and "连云港市第" in page
    assert "&#x27;stratum&#x27;" not in page  # the population is downloaded, not printed
    response = client.get(reverse("disclosure-draw-record", args=[item.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert response.json()["seed"] == "lyg-2026Q4" and len(response.json()["population"]) == 30


def test_unpublished_records_are_not_downloadable(client, drawn_plan, alice):
    draft = disclosure_from_plan(drawn_plan, alice)
    assert client.get(reverse("disclosure-draw-record", args=[draft.pk])).status_code == 404
    item = published(drawn_plan, alice)
    services.disclosure_withdraw(disclosure=item, by=alice, reason="更正")
    assert client.get(reverse("disclosure-draw-record", args=[item.pk])).status_code == 404


def test_manager_prepares_the_draft_from_a_plan(client, drawn_plan, alice, charlie, bob):
    client.force_login(alice)
    page = client.get(reverse("disclosure-manage")).content.decode()
    assert drawn_plan.title in page
    response = client.post(reverse("disclosure-manage"), {"plan-plan": drawn_plan.pk})
    item = Disclosure.objects.get()
    assert response.status_code == 302 and item.status == "draft" and item.draw_record["seed"] == "lyg-2026Q4"
    # Another city's head cannot pick this plan; the bureau's investigator may not manage disclosures.
    client.force_login(charlie)
    response = client.post(reverse("disclosure-manage"), {"plan-plan": drawn_plan.pk})
    assert response.status_code == 200 and "plan" in response.context["from_plan"].errors
    client.force_login(bob)
    assert client.post(reverse("disclosure-manage"), {"plan-plan": drawn_plan.pk}).status_code == 403
    client.logout()
    assert client.post(reverse("disclosure-manage"), {"plan-plan": drawn_plan.pk}).status_code == 302
    assert Disclosure.objects.count() == 1


def test_the_draw_date_is_the_local_one(drawn_plan, alice):
    # 01:00 in Shanghai on the 24th is still the 23rd in UTC.
    Plan.objects.filter(pk=drawn_plan.pk).update(drawn_at=datetime.datetime(2026, 11, 23, 17, 0, tzinfo=datetime.UTC))
    drawn_plan.refresh_from_db()
    assert disclosure_from_plan(drawn_plan, alice).summary.startswith("2026年11月24日")
