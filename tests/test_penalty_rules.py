"""Each penalty rule against the text it comes from (domain.md §4 and §6)."""

import datetime
from decimal import Decimal

import pytest

from casework import penalty_rules as rules
from casework.errors import InvalidInput

D = Decimal


class TestFineRanges:
    def test_art_40_fraud_is_two_to_five_times_the_fund_loss(self):
        assert rules.fine_range("40", fund_loss=D("12345.67")) == (D("24691.34"), D("61728.35"))
        rules.check_fine(article="40", amount=D("24691.34"), subject_kind="institution", fund_loss=D("12345.67"))
        rules.check_fine(article="40", amount=D("61728.35"), subject_kind="pharmacy", fund_loss=D("12345.67"))

    @pytest.mark.parametrize("amount", [D("24691.33"), D("61728.36"), D("0")])
    def test_art_40_outside_the_range_is_refused_naming_the_rule(self, amount):
        with pytest.raises(InvalidInput) as refused:
            rules.check_fine(article="40", amount=amount, subject_kind="institution", fund_loss=D("12345.67"))
        message = refused.value.errors["fine"][0]
        assert "第四十条" in message and "24,691.34" in message and "61,728.35" in message

    def test_art_38_improper_use_is_one_to_two_times(self):
        assert rules.fine_range("38", fund_loss=D("1000")) == (D("1000.00"), D("2000.00"))

    def test_art_39_management_failure_is_ten_to_fifty_thousand_yuan(self):
        assert rules.fine_range("39") == (D("10000.00"), D("50000.00"))
        rules.check_fine(article="39", amount=D("10000"), subject_kind="institution")
        with pytest.raises(InvalidInput) as refused:
            rules.check_fine(article="39", amount=D("9999.99"), subject_kind="institution")
        assert "第三十九条" in refused.value.errors["fine"][0] and "10,000.00" in refused.value.errors["fine"][0]

    def test_art_41_applies_to_insured_persons_only(self):
        rules.check_fine(article="41", amount=D("600"), subject_kind="insured", fund_loss=D("300"))
        with pytest.raises(InvalidInput) as refused:
            rules.check_fine(article="41", amount=D("600"), subject_kind="institution", fund_loss=D("300"))
        assert "article" in refused.value.errors
        with pytest.raises(InvalidInput):
            rules.check_fine(article="40", amount=D("600"), subject_kind="insured", fund_loss=D("300"))

    def test_a_multiple_needs_the_fund_loss_and_an_unknown_article_is_named(self):
        with pytest.raises(InvalidInput) as refused:
            rules.fine_range("40")
        assert "fund_loss" in refused.value.errors
        with pytest.raises(InvalidInput) as refused:
            rules.fine_range("99")
        assert "第38条" in refused.value.errors["article"][0]


SUSPENSION_CITATIONS = {"38": "第三十八条", "40": "第四十条", "41": "第四十一条"}


class TestSuspensions:
    @pytest.mark.parametrize(
        ("article", "kind", "low", "high"),
        [("38", "institution", 6, 12), ("40", "pharmacy", 6, 12), ("41", "insured", 3, 12)],
    )
    def test_suspension_periods(self, article, kind, low, high):
        rules.check_suspension(article=article, months=low, subject_kind=kind)
        rules.check_suspension(article=article, months=high, subject_kind=kind)
        for months in (low - 1, high + 1):
            with pytest.raises(InvalidInput) as refused:
                rules.check_suspension(article=article, months=months, subject_kind=kind)
            assert (
                f"{low}" in refused.value.errors["months"][0]
                and SUSPENSION_CITATIONS[article] in refused.value.errors["months"][0]
            )

    def test_art_39_has_no_suspension(self):
        with pytest.raises(InvalidInput):
            rules.check_suspension(article="39", months=6, subject_kind="institution")


class TestHearingAndSummaryProcedure:
    def test_large_fines_at_or_above_the_threshold_need_a_hearing(self):
        assert rules.hearing_required(fine=D("10000"), is_person=True)
        assert not rules.hearing_required(fine=D("9999.99"), is_person=True)
        assert rules.hearing_required(fine=D("100000"), is_person=False)
        assert not rules.hearing_required(fine=D("99999.99"), is_person=False)

    def test_suspension_and_termination_always_need_a_hearing(self):
        assert rules.hearing_required(fine=None, is_person=False, suspends=True)
        assert rules.hearing_required(fine=D("1"), is_person=False, terminates=True)

    def test_a_province_sets_its_own_thresholds(self):
        lower = rules.HearingThresholds(person=D("5000"), organisation=D("50000"))
        assert rules.hearing_required(fine=D("5000"), is_person=True, thresholds=lower)
        assert not rules.hearing_required(fine=D("5000"), is_person=True)

    def test_summary_procedure_only_for_small_fines(self):
        assert rules.summary_procedure_allowed(fine=D("200"), is_person=True)
        assert not rules.summary_procedure_allowed(fine=D("200.01"), is_person=True)
        assert rules.summary_procedure_allowed(fine=D("3000"), is_person=False)
        assert not rules.summary_procedure_allowed(fine=D("3000.01"), is_person=False)
        assert not rules.summary_procedure_allowed(fine=D("100"), is_person=True, other_measures=True)


class TestMoneyAndDates:
    def test_late_fee_is_three_percent_a_day(self):
        due = datetime.date(2026, 3, 1)
        assert rules.late_fee(fine=D("1000"), payment_due=due, paid_on=due) == D("0.00")
        assert rules.late_fee(fine=D("1000"), payment_due=due, paid_on=datetime.date(2026, 3, 11)) == D("300.00")
        assert rules.late_fee(fine=D("333.33"), payment_due=due, paid_on=datetime.date(2026, 3, 2)) == D("10.00")

    def test_late_fee_never_exceeds_the_fine(self):
        due = datetime.date(2026, 3, 1)
        assert rules.late_fee(fine=D("1000"), payment_due=due, paid_on=datetime.date(2026, 4, 3)) == D("990.00")
        assert rules.late_fee(fine=D("1000"), payment_due=due, paid_on=datetime.date(2026, 4, 4)) == D("1000.00")
        assert rules.late_fee(fine=D("1000"), payment_due=due, paid_on=datetime.date(2027, 1, 1)) == D("1000.00")

    def test_deadlines_in_days(self):
        day = datetime.date(2026, 6, 26)
        assert rules.hearing_request_due(day) == datetime.date(2026, 7, 1)
        assert rules.service_due(day) == datetime.date(2026, 7, 3)
        assert rules.payment_due(day) == datetime.date(2026, 7, 11)
        assert rules.penalty_decision_due(day) == datetime.date(2026, 9, 24)
        assert rules.penalty_decision_due(day, extension_days=30) == datetime.date(2026, 10, 24)

    def test_hearing_notice_at_least_seven_days_ahead(self):
        sent = datetime.date(2026, 6, 1)
        rules.check_hearing_date(notice_sent_on=sent, hearing_on=datetime.date(2026, 6, 8))
        with pytest.raises(InvalidInput) as refused:
            rules.check_hearing_date(notice_sent_on=sent, hearing_on=datetime.date(2026, 6, 7))
        assert (
            "第六十四条" in refused.value.errors["hearing_on"][0]
            and "2026-06-08" in refused.value.errors["hearing_on"][0]
        )

    def test_enforcement_window_opens_after_the_review_period_for_three_months(self):
        assert rules.enforcement_window(datetime.date(2026, 8, 31)) == (
            datetime.date(2027, 2, 28),
            datetime.date(2027, 5, 28),
        )

    def test_limitation_two_years_or_five_where_fund_safety_is_harmed(self):
        act = datetime.date(2024, 2, 29)
        assert rules.limitation_ends(act, fund_safety=False) == datetime.date(2026, 2, 28)
        assert rules.limitation_ends(act, fund_safety=True) == datetime.date(2029, 2, 28)


class TestProcedureRules:
    def test_statement_window_is_five_days_from_the_notice(self):
        assert rules.statement_due(datetime.date(2026, 3, 2)) == datetime.date(2026, 3, 7)
        assert "第四十五条" in rules.STATEMENT_BASIS

    def test_legal_review_for_hearing_cases_large_sums_or_complex_cases(self):
        assert rules.legal_review_required(money_total=D(0), is_person=False, hearing_offered=True)
        assert rules.legal_review_required(money_total=D(0), is_person=False, hearing_offered=False, complex_case=True)
        assert rules.legal_review_required(money_total=D("100000"), is_person=False, hearing_offered=False)
        assert not rules.legal_review_required(money_total=D("99999.99"), is_person=False, hearing_offered=False)
        assert rules.legal_review_required(money_total=D("5000"), is_person=True, hearing_offered=False)
        thresholds = rules.ReviewThresholds(review_organisation=D("50000"))
        assert rules.legal_review_required(
            money_total=D("60000"), is_person=False, hearing_offered=False, thresholds=thresholds
        )

    def test_collective_discussion_for_suspension_termination_and_large_sums(self):
        assert rules.collective_discussion_required(money_total=D(0), is_person=False, suspends=True)
        assert rules.collective_discussion_required(money_total=D(0), is_person=False, terminates=True)
        assert rules.collective_discussion_required(money_total=D("500000"), is_person=False)
        assert not rules.collective_discussion_required(money_total=D("499999.99"), is_person=False)
        assert rules.collective_discussion_required(money_total=D("50000"), is_person=True)

    def test_termination_only_under_article_40_for_institutions(self):
        rules.check_termination(article="40", subject_kind="pharmacy")
        for article, kind in (("38", "institution"), ("41", "insured"), ("40", "insured")):
            with pytest.raises(InvalidInput) as refused:
                rules.check_termination(article=article, subject_kind=kind)
            assert "第四十条" in refused.value.errors["terminates"][0]

    def test_refund_returns_at_most_the_fund_loss_under_38_40_41(self):
        rules.check_refund(article="40", amount=D("100"), fund_loss=D("100"))
        with pytest.raises(InvalidInput) as refused:
            rules.check_refund(article="40", amount=D("100.01"), fund_loss=D("100"))
        assert "第四十条" in refused.value.errors["refund"][0]
        with pytest.raises(InvalidInput) as refused:
            rules.check_refund(article="39", amount=D("1"), fund_loss=D("100"))
        assert "第三十九条" in refused.value.errors["refund"][0]

    def test_court_only_ten_days_after_the_reminder(self):
        assert rules.enforcement_earliest_after_reminder(datetime.date(2026, 1, 25)) == datetime.date(2026, 2, 4)
        assert "第五十四条" in rules.REMINDER_BASIS and "第五十三条" in rules.ENFORCEMENT_BASIS


def test_province_figures_come_from_settings_as_the_environment_gives_them(settings):
    from decimal import Decimal

    from penalties import conf

    assert conf.hearing_thresholds().organisation == Decimal("100000")
    # config/settings.py copies PENALTY_* environment variables as strings.
    settings.PENALTY_HEARING_THRESHOLD_ORGANISATION = "50000"
    settings.PENALTY_DECISION_EXTENSION_DAYS = "15"
    assert conf.hearing_thresholds().organisation == Decimal("50000")
    assert conf.extension_days() == 15
