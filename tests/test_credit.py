"""Credit rules (domain.md §10): each blacklisting rule at its edge, practitioners' suspension and termination,
the per-violation bands, removal and measures, the hooks, and the credit pages with their refusals."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from casework.errors import AlreadyDecided, InvalidInput
from casework.models import Subject
from credit import services
from credit.models import Blacklisting, CreditRule, Measure, PractitionerSanction
from credit.rules import period_of
from credit.selectors import blacklisted_subject_ids, credit_summary
from organisation.roles import Role
from tests import test_credit_support as support
from tests.factories import UserFactory
from tests.test_credit_support import judgment, owe_refund, pay, score

# The shared fixtures, bound here so pytest finds them.
credit_case, second_case, insured, doctor = support.credit_case, support.second_case, support.insured, support.doctor

D = datetime.date
Reason = Blacklisting.Reason


# Insured persons: 15 points in one period ------------------------------------------------------------


def test_fourteen_points_in_a_year_do_not_blacklist_fifteen_do(credit_case, second_case, insured, alice):
    score(credit_case, insured, 8, D(2026, 3, 1), alice)
    score(credit_case, insured, 6, D(2026, 5, 1), alice)
    assert not services.credit_evaluate(insured, D(2026, 6, 1))
    assert not Blacklisting.objects.exists()

    score(second_case, insured, 1, D(2026, 7, 9), alice)
    changed = services.credit_evaluate(insured, D(2026, 7, 9))
    listing = Blacklisting.objects.get()
    assert changed.listed == [listing]
    assert (listing.reason, listing.listed_on, listing.points, listing.case) == (
        Reason.POINTS_ONE_PERIOD,
        D(2026, 7, 9),
        15,
        second_case,
    )
    assert listing.period_start == D(2026, 1, 1) and not listing.permanent
    # Idempotent: a second run lists nothing more.
    assert not services.credit_evaluate(insured, D(2026, 7, 10))
    assert Blacklisting.objects.count() == 1


def test_points_of_different_years_do_not_add_up(credit_case, insured, alice):
    score(credit_case, insured, 9, D(2025, 12, 30), alice)
    score(credit_case, insured, 6, D(2026, 1, 2), alice)
    assert not services.credit_evaluate(insured, D(2026, 1, 3))


def test_points_recorded_after_the_evaluation_day_do_not_count(credit_case, insured, alice):
    score(credit_case, insured, 15, D(2026, 8, 1), alice)
    assert not services.credit_evaluate(insured, D(2026, 7, 31))
    assert services.credit_evaluate(insured, D(2026, 8, 1))


# Insured persons: 10 points in each of two consecutive periods ------------------------------------------


def test_ten_and_ten_in_consecutive_years_blacklist(credit_case, second_case, insured, alice):
    score(credit_case, insured, 10, D(2025, 4, 1), alice)
    score(second_case, insured, 10, D(2026, 2, 3), alice)
    services.credit_evaluate(insured, D(2026, 2, 3))
    listing = Blacklisting.objects.get()
    assert (listing.reason, listing.listed_on, listing.period_start) == (
        Reason.POINTS_TWO_PERIODS,
        D(2026, 2, 3),
        D(2026, 1, 1),
    )


def test_ten_and_nine_or_ten_with_a_gap_year_do_not(credit_case, second_case, insured, alice):
    score(credit_case, insured, 10, D(2025, 4, 1), alice)
    score(second_case, insured, 9, D(2026, 2, 3), alice)
    assert not services.credit_evaluate(insured, D(2026, 12, 31))
    score(second_case, insured, 10, D(2028, 2, 3), alice)
    assert not services.credit_evaluate(insured, D(2028, 2, 3))
    assert not Blacklisting.objects.exists()


def test_a_region_may_score_in_half_years(credit_case, second_case, insured, alice, lyg_region):
    CreditRule.objects.create(region=lyg_region, subject_kind="insured", params={"period_months": 6})
    assert period_of(D(2026, 7, 9), 6).label == "2026-07–2026-12"
    score(credit_case, insured, 10, D(2026, 5, 1), alice)
    score(second_case, insured, 10, D(2026, 8, 1), alice)
    services.credit_evaluate(insured, D(2026, 8, 1))
    assert Blacklisting.objects.get().reason == Reason.POINTS_TWO_PERIODS


# Insured persons: a fund loss not refunded by its due date -------------------------------------------------


def test_an_overdue_refund_blacklists_from_the_day_after_its_due_date(credit_case, insured, alice):
    obligation = owe_refund(credit_case, insured, alice, due_on=D(2026, 6, 30))
    assert services.daily_run(D(2026, 6, 30)) == 0
    assert services.daily_run(D(2026, 7, 1)) == 1
    listing = Blacklisting.objects.get()
    assert (listing.reason, listing.obligation, listing.listed_on) == (
        Reason.UNREFUNDED_LOSS,
        obligation,
        D(2026, 7, 1),
    )
    assert services.daily_run(D(2026, 7, 2)) == 0


def test_a_refund_paid_in_time_does_not(credit_case, insured, alice):
    obligation = owe_refund(credit_case, insured, alice, due_on=D(2026, 6, 30))
    pay(obligation, alice, D(2026, 6, 28))
    assert services.daily_run(D(2026, 7, 1)) == 0
    assert not Blacklisting.objects.exists()


def test_an_institutions_overdue_refund_is_not_a_blacklisting(credit_case, subject, alice):
    owe_refund(credit_case, subject, alice, due_on=D(2026, 6, 30))
    assert services.daily_run(D(2026, 7, 1)) == 0


# Insured persons: conviction, the permanent list ---------------------------------------------------------------


def test_a_judgment_puts_the_cases_insured_persons_on_the_permanent_list(credit_case, insured, alice, lyg_police):
    outcome = judgment(credit_case, lyg_police, alice, D(2026, 3, 2))
    changed = services.on_referral_outcome(outcome)
    listing = Blacklisting.objects.get()
    assert changed.listed == [listing]
    assert (listing.subject, listing.reason, listing.permanent, listing.listed_on, listing.referral_outcome) == (
        insured,
        Reason.CONVICTION,
        True,
        D(2026, 3, 2),
        outcome,
    )
    assert not services.on_referral_outcome(outcome)
    assert credit_summary(insured, D(2031, 1, 1))["permanent"] is True


def test_the_permanent_list_is_never_lifted(credit_case, insured, alice, lyg_police):
    services.on_referral_outcome(judgment(credit_case, lyg_police, alice, D(2026, 3, 2)))
    listing = Blacklisting.objects.get()
    with pytest.raises(InvalidInput):
        services.blacklisting_remove(blacklisting=listing, by=alice, reason="已悔改", today=D(2040, 1, 1))
    listing.refresh_from_db()
    assert listing.removed_on is None


def test_a_conviction_recorded_by_hand_is_permanent(insured, alice, bob):
    with pytest.raises(PermissionDenied):
        services.conviction_record(subject=insured, decided_on=D(2026, 1, 5), basis="（2026）苏0706刑初12号", by=bob)
    listing = services.conviction_record(
        subject=insured, decided_on=D(2026, 1, 5), basis="（2026）苏0706刑初12号", by=alice
    )
    assert listing.permanent and listing.created_by == alice


# Removal and measures -------------------------------------------------------------------------------------


@pytest.fixture
def listed(credit_case, insured, alice):
    score(credit_case, insured, 15, D(2026, 3, 1), alice)
    services.credit_evaluate(insured, D(2026, 3, 1))
    return Blacklisting.objects.get()


def test_a_listing_is_lifted_once_its_period_has_passed_and_stays_lifted(listed, insured, alice, bob):
    measure = services.measure_record(
        subject=insured, kind=Measure.Kind.PAY_FIRST, starts_on=D(2026, 3, 5), by=alice, note="全额垫付后报销"
    )
    with pytest.raises(InvalidInput) as caught:
        services.blacklisting_remove(blacklisting=listed, by=alice, reason="整改到位", today=D(2027, 2, 28))
    assert "2027-03-01" in str(caught.value.message)
    with pytest.raises(PermissionDenied):
        services.blacklisting_remove(blacklisting=listed, by=bob, reason="整改到位", today=D(2027, 3, 1))
    with pytest.raises(InvalidInput) as caught:
        services.blacklisting_remove(blacklisting=listed, by=alice, reason=" ", today=D(2027, 3, 1))
    assert "reason" in caught.value.errors
    services.blacklisting_remove(blacklisting=listed, by=alice, reason="整改到位", today=D(2027, 3, 1))
    listed.refresh_from_db()
    measure.refresh_from_db()
    assert (listed.removed_on, listed.removed_by, measure.ends_on) == (D(2027, 3, 1), alice, D(2027, 3, 1))
    with pytest.raises(AlreadyDecided):
        services.blacklisting_remove(blacklisting=listed, by=alice, reason="整改到位", today=D(2027, 3, 2))
    # The same period's points do not list the person again.
    assert not services.credit_evaluate(insured, D(2027, 3, 2))
    assert credit_summary(insured, D(2027, 3, 2))["blacklisted"] is False


def test_an_unrefunded_loss_is_lifted_only_once_refunded(credit_case, insured, alice):
    obligation = owe_refund(credit_case, insured, alice, due_on=D(2026, 1, 31))
    services.daily_run(D(2026, 2, 1))
    listing = Blacklisting.objects.get()
    with pytest.raises(InvalidInput):
        services.blacklisting_remove(blacklisting=listing, by=alice, reason="已退回", today=D(2027, 3, 1))
    pay(obligation, alice, D(2027, 2, 1))
    services.blacklisting_remove(blacklisting=listing, by=alice, reason="已退回", today=D(2027, 3, 1))
    assert Blacklisting.objects.get().removed_on == D(2027, 3, 1)


def test_measures_need_a_listing_and_valid_dates(insured, alice, listed):
    with pytest.raises(InvalidInput) as caught:
        services.measure_record(
            subject=insured, kind="restricted_providers", starts_on=D(2026, 4, 1), ends_on=D(2026, 3, 1), by=alice
        )
    assert "ends_on" in caught.value.errors
    with pytest.raises(InvalidInput) as caught:
        services.measure_record(subject=insured, kind="restricted_providers", starts_on=D(2026, 2, 1), by=alice)
    assert "starts_on" in caught.value.errors


def test_no_measure_without_a_listing(insured, alice):
    with pytest.raises(InvalidInput) as caught:
        services.measure_record(subject=insured, kind="publication", starts_on=D(2026, 4, 1), by=alice)
    assert "kind" in caught.value.errors


# Practitioners ------------------------------------------------------------------------------------------------


def test_nine_points_suspend_the_payment_qualification(credit_case, second_case, doctor, alice):
    score(credit_case, doctor, 6, D(2026, 2, 1), alice)
    score(credit_case, doctor, 2, D(2026, 3, 1), alice)
    assert not services.credit_evaluate(doctor, D(2026, 3, 1))
    score(second_case, doctor, 1, D(2026, 4, 10), alice)
    services.credit_evaluate(doctor, D(2026, 4, 10))
    sanction = PractitionerSanction.objects.get()
    assert (sanction.kind, sanction.points, sanction.starts_on, sanction.ends_on) == (
        "suspension",
        9,
        D(2026, 4, 10),
        D(2026, 5, 9),
    )
    summary = credit_summary(doctor, D(2026, 5, 1))
    assert (summary["grade"], summary["until"], summary["points"]) == ("suspended", D(2026, 5, 9), 9)
    assert credit_summary(doctor, D(2026, 5, 10))["grade"] == "normal"
    # Another point the same year lengthens the suspension (10 points: 3 months by default).
    score(second_case, doctor, 1, D(2026, 4, 20), alice)
    services.credit_evaluate(doctor, D(2026, 4, 20))
    sanction.refresh_from_db()
    assert (sanction.points, sanction.ends_on) == (10, D(2026, 7, 9))


def test_twelve_points_accumulated_terminate_with_a_one_year_bar(credit_case, second_case, doctor, alice):
    score(credit_case, doctor, 9, D(2026, 2, 1), alice)
    score(second_case, doctor, 3, D(2026, 6, 1), alice)
    services.credit_evaluate(doctor, D(2026, 6, 1))
    termination = PractitionerSanction.objects.get(kind="termination")
    assert (termination.starts_on, termination.single_event, termination.reregistration_from) == (
        D(2026, 6, 1),
        False,
        D(2027, 6, 1),
    )
    assert PractitionerSanction.objects.get(kind="suspension").starts_on == D(2026, 2, 1)
    assert credit_summary(doctor, D(2026, 6, 2))["grade"] == "terminated"


def test_twelve_points_in_one_event_bar_re_registration_for_three_years(credit_case, doctor, alice):
    score(credit_case, doctor, 12, D(2026, 2, 1), alice)
    services.credit_evaluate(doctor, D(2026, 2, 1))
    termination = PractitionerSanction.objects.get()
    assert (termination.kind, termination.single_event, termination.reregistration_from) == (
        "termination",
        True,
        D(2029, 2, 1),
    )
    assert not services.credit_evaluate(doctor, D(2026, 2, 2))


def test_eleven_points_then_one_in_the_next_year_do_not_terminate(credit_case, doctor, alice):
    score(credit_case, doctor, 11, D(2025, 12, 1), alice)
    score(credit_case, doctor, 1, D(2026, 1, 5), alice)
    services.credit_evaluate(doctor, D(2026, 1, 5))
    assert list(PractitionerSanction.objects.values_list("kind", flat=True)) == ["suspension"]


@pytest.mark.parametrize("points", [1, 3, 4, 6, 7, 9, 10, 12])
def test_practitioner_points_in_a_band_pass(doctor, points):
    services.check_points(doctor, points)


@pytest.mark.parametrize("points", [0, 13, -1])
def test_practitioner_points_outside_the_bands_are_refused(doctor, points):
    with pytest.raises(InvalidInput) as caught:
        services.check_points(doctor, points)
    assert "credit" in caught.value.errors


def test_points_must_lie_in_the_band_the_severity_chose(doctor, insured):
    services.check_points(doctor, 5, band=(4, 6))
    with pytest.raises(InvalidInput):
        services.check_points(doctor, 7, band=(4, 6))
    services.check_points(insured, 15)
    with pytest.raises(InvalidInput):
        services.check_points(insured, 16)


def test_the_outcome_hook_evaluates_each_scored_subject(credit_case, insured, doctor, alice):
    score(credit_case, insured, 15, D(2026, 3, 1), alice)
    score(credit_case, doctor, 12, D(2026, 3, 1), alice)
    changed = services.on_credit_points_recorded(credit_case)
    assert len(changed.listed) == 1 and len(changed.sanctions) == 1


# Read side ---------------------------------------------------------------------------------------------------


def test_a_subject_without_entries_reads_zero_and_not_blacklisted(insured):
    summary = credit_summary(insured, D(2026, 5, 1))
    assert (summary["points"], summary["period"], summary["grade"], summary["blacklisted"], summary["entries"]) == (
        0,
        "2026",
        "normal",
        False,
        [],
    )


def test_history_lists_points_and_the_listing_with_their_case(listed, insured, credit_case):
    entries = credit_summary(insured, D(2026, 4, 1))["entries"]
    assert [(e["kind"], e["points"], e["case"]) for e in entries] == [
        ("blacklisted", 0, credit_case.number),
        ("points", 15, credit_case.number),
    ]


def test_blacklisted_subject_ids_within_the_period(listed, insured, lyg_region, cz_region):
    assert blacklisted_subject_ids({lyg_region.pk}, D(2026, 1, 1), D(2026, 12, 31)) == {insured.pk}
    assert blacklisted_subject_ids({lyg_region.pk}, D(2026, 4, 1), D(2026, 12, 31)) == set()
    assert blacklisted_subject_ids({cz_region.pk}, None, None) == set()


# Pages ----------------------------------------------------------------------------------------------------


def _page(kind, code):
    return reverse("credit-detail", args=[kind, code])


def test_the_credit_page_shows_points_status_and_the_case(client, alice, listed, insured, credit_case):
    client.force_login(alice)
    page = client.get(_page("insured", insured.code)).content.decode()
    assert insured.name in page and "15" in page
    assert reverse("case-detail", args=[credit_case.pk]) in page
    assert f"?q={insured.code}" in page


def test_a_reader_who_may_not_see_the_case_gets_its_number_without_a_link(client, police, listed, insured, credit_case):
    client.force_login(police)
    page = client.get(_page("insured", insured.code)).content.decode()
    assert credit_case.number in page
    assert reverse("case-detail", args=[credit_case.pk]) not in page
    assert reverse("credit-listing-remove", args=[listed.pk]) not in page


def test_the_province_auditor_reads_the_credit_page(client, auditor, insured):
    client.force_login(auditor)
    assert client.get(_page("insured", insured.code)).status_code == 200


def test_another_region_unknown_kinds_and_anonymous_users_are_refused(client, charlie, alice, insured):
    assert client.get(_page("insured", insured.code)).status_code == 302
    client.force_login(charlie)
    assert client.get(_page("insured", insured.code)).status_code == 404
    client.force_login(alice)
    assert client.get(_page("other", insured.code)).status_code == 404
    assert client.get(_page("practitioner", insured.code)).status_code == 404


def test_lifting_a_listing_from_the_page(client, alice, bob, charlie, listed, insured, time_machine):
    time_machine.move_to(datetime.datetime(2027, 3, 2, 10, tzinfo=datetime.UTC))
    url = reverse("credit-listing-remove", args=[listed.pk])
    client.force_login(charlie)
    assert client.post(url, {"reason": "整改到位"}).status_code == 404
    client.force_login(bob)
    assert client.post(url, {"reason": "整改到位"}).status_code == 403
    client.force_login(alice)
    assert (
        reverse("credit-listing-remove", args=[listed.pk])
        in client.get(_page("insured", insured.code)).content.decode()
    )
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "整改到位"})
    assert response.status_code == 302
    listed.refresh_from_db()
    assert listed.removal_reason == "整改到位"
    assert client.get(url).status_code == 405


def test_recording_a_measure_from_the_page(client, alice, bob, listed, insured):
    url = reverse("credit-measure-add", args=["insured", insured.code])
    data = {"kind": "restricted_providers", "starts_on": "2026-03-05", "ends_on": "2027-03-04", "note": ""}
    client.force_login(bob)
    assert client.post(url, data).status_code == 403
    client.force_login(alice)
    assert client.post(url, {**data, "ends_on": "2026-01-01"}).status_code == 400
    assert client.post(url, data).status_code == 302
    assert Measure.objects.get().kind == "restricted_providers"


def test_the_home_page_lists_the_regions_blacklist_and_sanctions(
    client, alice, charlie, listed, insured, doctor, credit_case, django_assert_max_num_queries
):
    score(credit_case, doctor, 12, D(2026, 3, 1), alice)
    services.credit_evaluate(doctor, D(2026, 3, 1))
    client.force_login(alice)
    with django_assert_max_num_queries(13):
        page = client.get(reverse("credit-home")).content.decode()
    assert insured.name in page and doctor.name in page
    found = client.get(reverse("credit-home"), {"q": doctor.code}).content.decode()
    assert _page("practitioner", doctor.code) in found
    client.force_login(charlie)
    other = client.get(reverse("credit-home"), {"q": doctor.code}).content.decode()
    assert insured.name not in other and doctor.name not in other


def test_home_page_queries_do_not_grow_with_the_list(
    client, alice, lyg_region, credit_case, django_assert_max_num_queries
):
    for n in range(30):
        person = Subject.objects.create(
            kind="insured", code=f"32070619900101{n:04d}", name=f"参保人{n}", region=lyg_region
        )
        services.conviction_record(subject=person, decided_on=D(2026, 1, 5), basis="判决书", by=alice)
    client.force_login(alice)
    with django_assert_max_num_queries(13):
        assert client.get(reverse("credit-home")).status_code == 200


def test_home_page_refuses_outsiders(client, cz_screener, db):
    assert client.get(reverse("credit-home")).status_code == 302
    client.force_login(cz_screener)
    assert client.get(reverse("credit-home")).status_code == 404


def test_a_county_subject_is_managed_by_the_city_bureau(lyg_region, alice, credit_case):
    from tests.factories import RegionFactory

    county = RegionFactory(code="320722", name="东海县", level="county", parent=lyg_region)
    person = Subject.objects.create(kind="insured", code="320722199001010022", name="王某", region=county)
    listing = services.conviction_record(subject=person, decided_on=D(2026, 1, 5), basis="判决书", by=alice)
    assert listing.subject == person
    director = UserFactory(agency=alice.agency, roles=[Role.DIRECTOR])
    assert services.conviction_record(subject=person, decided_on=D(2026, 2, 5), basis="判决书二", by=director)


# Demo ------------------------------------------------------------------------------------------------------


def test_the_demo_builds_each_kind_of_record_once(credit_case, lyg_region, alice, time_machine):
    from credit.demo import seed_credit
    from tests.factories import SubjectFactory

    for n in range(4):
        SubjectFactory(region=lyg_region, kind="insured", code=f"3207061985010100{n:02d}", level="", ownership="")
    for n in range(2):
        SubjectFactory(region=lyg_region, kind="practitioner", code=f"D3207009{n:02d}", level="", ownership="")
    today = D(2026, 11, 23)
    time_machine.move_to(datetime.datetime(2026, 11, 23, 2, tzinfo=datetime.UTC))
    seed_credit(region=lyg_region, today=today)
    reasons = set(Blacklisting.objects.values_list("reason", flat=True))
    assert reasons == {Reason.POINTS_ONE_PERIOD, Reason.POINTS_TWO_PERIODS, Reason.CONVICTION}
    assert Blacklisting.objects.filter(permanent=True).exists()
    assert Measure.objects.count() == 4
    assert set(PractitionerSanction.objects.values_list("kind", flat=True)) == {"suspension", "termination"}
    assert credit_summary(PractitionerSanction.objects.get(kind="suspension").subject, today)["grade"] == "suspended"
    counts = (Blacklisting.objects.count(), PractitionerSanction.objects.count())
    seed_credit(region=lyg_region, today=today)
    assert (Blacklisting.objects.count(), PractitionerSanction.objects.count()) == counts
