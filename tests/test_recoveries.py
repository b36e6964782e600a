"""Court asset recovery (退赔/追缴, domain.md §8): balances always ordered − paid, overpayment refused,
overdue instalments and promises, 追缴会, enforcement, closing, who sees and acts on which page, the
list's query count, reminders and the demo helper (fixtures in test_recoveries_support)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from casework.errors import InvalidInput, InvalidTransition
from recoveries import services
from recoveries.demo import demo_recoveries
from recoveries.models import Debtor, Instalment, Promise, Recovery, RecoveryPayment, Status
from recoveries.reminders import recovery_due_items
from recoveries.selectors import recovery_totals
from tests.test_recoveries_support import *  # noqa: F403 — fixtures
from tests.test_recoveries_support import BANK, days, pay, today
from workflows.models import Reminder
from workflows.reminders import send_reminders

pytestmark = pytest.mark.django_db
D = Decimal


# ----------------------------------------------------------------------------------------- balances


def test_balance_is_always_ordered_minus_paid(recovery, debtors, officer, court_liaison):
    first, second = debtors
    pay(first, officer, "10000.50")
    pay(first, court_liaison, D("9999.50"))
    pay(second, officer, "40000")
    rows = {d.name: (d.amount_ordered, d.paid, d.balance) for d in Debtor.objects.with_balance()}
    assert rows == {
        "陈某明": (D("60000.00"), D("20000.00"), D("40000.00")),
        "林某华": (D("40000.00"), D("40000.00"), D("0.00")),
    }
    money = Recovery.objects.with_money().get(pk=recovery.pk)
    assert (money.ordered, money.paid, money.balance) == (D("100000.00"), D("60000.00"), D("40000.00"))
    totals = recovery_totals()
    assert (totals["ordered"], totals["paid"], totals["balance"]) == (D("100000.00"), D("60000.00"), D("40000.00"))
    assert totals["recoveries"] == 1 and totals["debtors"] == 2 and totals["open"] == 1


def test_overpayment_and_bad_amounts_are_refused(debtors, officer):
    first = debtors[0]
    pay(first, officer, "59999.99")
    with pytest.raises(InvalidInput) as refused:
        pay(first, officer, "0.02")
    assert "0.01" in refused.value.errors["amount"][0]
    for amount in ("0", "-5", "1.234", "abc", ""):
        with pytest.raises(InvalidInput) as refused:
            pay(first, officer, amount)
        assert "amount" in refused.value.errors
    with pytest.raises(InvalidInput) as refused:
        pay(first, officer, "1", paid_on=days(1))
    assert "paid_on" in refused.value.errors
    assert RecoveryPayment.objects.count() == 1


def test_open_refuses_a_non_court_a_duplicate_judgment_and_outsiders(case, lyg_court, lyg_police, officer, alice):
    args = {
        "case": case,
        "reference": "(2026)苏0706刑初9号",
        "judged_on": days(-1),
        "kind": "judgment",
        "debtors": [("某甲", None, "100")],
    }
    with pytest.raises(InvalidInput) as refused:
        services.recovery_open(court=lyg_police, by=officer, **args)
    assert "court" in refused.value.errors
    with pytest.raises(InvalidInput) as refused:
        services.recovery_open(court=lyg_court, by=officer, **{**args, "debtors": [("某甲", None, "0")]})
    assert "debtors" in refused.value.errors
    services.recovery_open(court=lyg_court, by=officer, **args)
    with pytest.raises(InvalidInput) as refused:
        services.recovery_open(court=lyg_court, by=officer, **args)
    assert "reference" in refused.value.errors
    with pytest.raises(PermissionDenied):
        services.recovery_open(court=lyg_court, by=alice, **{**args, "reference": "X"})


# ------------------------------------------------------------------------------------ overdue and plans


def test_instalments_are_settled_in_date_order_and_flagged_overdue(recovery, debtors, officer):
    first = debtors[0]
    services.instalments_add(
        debtor=first, items=[(days(-40), "10000"), (days(-10), "10000"), (days(20), "40000")], by=officer
    )
    assert Instalment.objects.overdue().count() == 2
    pay(first, officer, "15000")
    overdue = list(Instalment.objects.overdue())
    assert [(i.due_on, i.outstanding) for i in overdue] == [(days(-10), D("5000.00"))]
    assert Recovery.objects.with_overdue().get(pk=recovery.pk).overdue
    pay(first, officer, "5000")
    assert not Instalment.objects.overdue().exists()
    assert not Recovery.objects.with_overdue().get(pk=recovery.pk).overdue
    # The last one becomes overdue once its date has passed.
    assert Instalment.objects.overdue(days(21)).count() == 1
    with pytest.raises(InvalidInput):
        services.instalments_add(debtor=first, items=[(days(30), "0.01")], by=officer)


def test_a_meeting_records_payments_on_the_spot_and_promises(recovery, debtors, officer, court_liaison):
    first, second = debtors
    meeting = services.meeting_record(
        recovery=recovery,
        by=court_liaison,
        held_on=days(-5),
        place="海州区人民法院",
        attending=debtors,
        payments=[(first, "50000", "ZJ001"), (second, "33000", "ZJ002")],
        promises=[(first, "10000", days(10)), (second, "7000", days(3))],
    )
    assert sum(p.amount for p in meeting.payments.all()) == D("83000")
    assert {p.channel for p in meeting.payments.all()} == {RecoveryPayment.Channel.AT_MEETING}
    assert Promise.objects.pending().count() == 2
    assert Promise.objects.overdue(days(4)).get().debtor == second
    pay(second, officer, "7000", paid_on=today())
    assert Promise.objects.pending().get().debtor == first
    assert not Promise.objects.overdue(days(30)).exclude(debtor=first).exists()


def test_a_meeting_is_all_or_nothing(recovery, debtors, officer):
    first, second = debtors
    with pytest.raises(InvalidInput) as refused:
        services.meeting_record(
            recovery=recovery,
            by=officer,
            held_on=today(),
            attending=debtors,
            payments=[(first, "1000", "A"), (second, "40000.01", "B")],
        )
    assert f"paid_{second.pk}" in refused.value.errors
    assert not RecoveryPayment.objects.exists() and not recovery.meetings.exists()


def test_status_follows_enforcement_and_closing(recovery, debtors, officer, court_liaison):
    status = lambda: Recovery.objects.with_status().get(pk=recovery.pk).status  # noqa: E731
    assert status() == Status.FOLLOWING
    application = services.enforcement_apply(recovery=recovery, by=court_liaison, applied_on=days(-3))
    assert status() == Status.ENFORCING
    services.enforcement_step_record(
        application=application, by=court_liaison, kind="filed", happened_on=days(-2), court_reference="(2026)执1号"
    )
    services.enforcement_step_record(application=application, by=court_liaison, kind="completed", happened_on=today())
    assert status() == Status.FOLLOWING
    with pytest.raises(InvalidTransition):
        services.enforcement_step_record(application=application, by=officer, kind="assets", happened_on=today())
    with pytest.raises(InvalidTransition):
        services.recovery_close(recovery=recovery, by=officer)
    with pytest.raises(PermissionDenied):
        services.recovery_close(recovery=recovery, by=court_liaison)
    pay(debtors[0], officer, "60000")
    pay(debtors[1], court_liaison, "40000")
    services.recovery_close(recovery=recovery, by=officer)
    assert status() == Status.CLOSED
    with pytest.raises(InvalidTransition):
        pay(debtors[0], officer, "1")


def test_readers_cannot_record(recovery, debtors, alice, director, auditor):
    for reader in (alice, director, auditor):
        with pytest.raises(PermissionDenied):
            pay(debtors[0], reader, "1")


# ---------------------------------------------------------------------------------------------- pages


def test_pages_refuse_outsiders_and_anonymous(client, recovery, case, outsiders):
    for url in ("/recoveries/", f"/recoveries/{recovery.pk}/", f"/cases/{case.pk}/recoveries/new/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(f"/recoveries/{recovery.pk}/", {"op": "payment"}).status_code == 302
    for name, user in outsiders.items():
        client.force_login(user)
        assert client.get(f"/recoveries/{recovery.pk}/").status_code == 404, name
        assert client.post(f"/recoveries/{recovery.pk}/", {"op": "payment"}).status_code == 404, name
        listing = client.get("/recoveries/")
        assert listing.status_code == 200 and recovery.reference not in listing.content.decode(), name
        assert listing.context["totals"]["recoveries"] == 0, name
        assert client.get(f"/cases/{case.pk}/recoveries/new/").status_code in (403, 404), name


def test_readers_see_but_cannot_record(client, recovery, debtors, alice, director, auditor):
    for user in (alice, director, auditor):
        client.force_login(user)
        page = client.get(f"/recoveries/{recovery.pk}/")
        assert page.status_code == 200 and "陈某明" in page.content.decode()
        assert 'value="payment"' not in page.content.decode()
        form = {"op": "payment", "debtor": debtors[0].pk, "paid_on": today(), "amount": "1", "channel": BANK}
        assert client.post(f"/recoveries/{recovery.pk}/", {**form, "receipt_no": "R"}).status_code == 403
        assert recovery.reference in client.get("/recoveries/").content.decode()
    assert not RecoveryPayment.objects.exists()


def test_court_liaison_records_a_payment_and_sees_overpayment_refused(client, recovery, debtors, court_liaison):
    client.force_login(court_liaison)
    url = f"/recoveries/{recovery.pk}/"
    form = {"op": "payment", "debtor": debtors[1].pk, "paid_on": today().isoformat(), "channel": BANK}
    done = client.post(url, {**form, "amount": "30000", "receipt_no": "FY-01"})
    assert done.status_code == 302
    refused = client.post(url, {**form, "amount": "10000.01", "receipt_no": "FY-02"})
    assert refused.status_code == 200
    assert "10,000.00" in refused.content.decode()
    assert refused.context["forms"]["payment"].errors["amount"]
    assert list(RecoveryPayment.objects.values_list("amount", flat=True)) == [D("30000.00")]
    page = client.get(url).content.decode()
    assert "30,000.00" in page and "FY-01" in page
    # The court's liaison records payments and enforcement, not the plan, and does not close.
    plan = {"op": "instalments", "debtor": debtors[0].pk, "first_due_on": days(5), "amount": "100", "count": 1}
    assert client.post(url, plan).status_code == 403


def test_officer_records_plan_meeting_enforcement_and_closes_from_the_page(client, recovery, debtors, officer):
    client.force_login(officer)
    url = f"/recoveries/{recovery.pk}/"
    first, second = debtors
    plan = {"op": "instalments", "debtor": first.pk, "first_due_on": days(-31), "amount": "10000", "count": 3}
    assert client.post(url, plan).status_code == 302
    assert list(first.instalments.values_list("due_on", flat=True))[0] == days(-31)
    meeting = {
        "op": "meeting",
        "held_on": today(),
        "place": "法院",
        f"attended_{first.pk}": "on",
        f"paid_{first.pk}": "20000",
        f"receipt_{first.pk}": "ZJ1",
        f"promised_{first.pk}": "40000",
        f"deadline_{first.pk}": days(30),
    }
    assert client.post(url, meeting).status_code == 302
    assert client.post(url, {"op": "enforcement", "applied_on": today()}).status_code == 302
    page = client.get(url)
    assert page.context["recovery"].status == Status.ENFORCING
    assert [d.overdue for d in page.context["debtors"]] == [False, False]
    pay(first, officer, "40000")
    pay(second, officer, "40000")
    assert client.post(url, {"op": "close"}).status_code == 302
    assert Recovery.objects.get(pk=recovery.pk).closed_on == today()


def test_overdue_instalment_is_flagged_on_the_page(client, recovery, debtors, officer):
    services.instalments_add(debtor=debtors[0], items=[(days(-1), "1000")], by=officer)
    client.force_login(officer)
    page = client.get(f"/recoveries/{recovery.pk}/")
    assert page.context["debtors"][0].plan[0].overdue
    assert "1,000.00" in page.content.decode()
    listing = client.get("/recoveries/?overdue=on")
    assert [r.pk for r in listing.context["page"]] == [recovery.pk]


def test_officer_opens_a_recovery_by_hand(client, case, lyg_court, officer, alice, subject):
    url = f"/cases/{case.pk}/recoveries/new/"
    client.force_login(alice)
    assert client.get(url).status_code == 403
    client.force_login(officer)
    assert client.get(url).status_code == 200
    form = {
        "court": lyg_court.pk,
        "reference": "(2026)苏0706刑初7号",
        "kind": "judgment",
        "judged_on": days(-1),
        "debtor_name_0": "",
        "debtor_subject_0": subject.pk,
        "debtor_amount_0": "12000",
        "debtor_name_1": "张某",
        "debtor_amount_1": "abc",
    }
    refused = client.post(url, form)
    assert refused.status_code == 200 and not Recovery.objects.exists()
    response = client.post(url, {**form, "debtor_amount_1": "800.50"})
    recovery = Recovery.objects.get()
    assert response["Location"] == f"/recoveries/{recovery.pk}/"
    assert list(recovery.debtors.values_list("name", "amount_ordered")) == [
        (subject.name, D("12000.00")),
        ("张某", D("800.50")),
    ]


def test_list_filters_and_query_count(client, case, lyg_court, cz_court, officer, django_assert_max_num_queries):
    for n in range(12):
        services.recovery_open(
            case=case,
            court=cz_court if n % 3 == 0 else lyg_court,
            reference=f"(2026)苏0706刑初{n}号",
            judged_on=days(-n - 1),
            kind="judgment",
            debtors=[(f"债务人{n}", None, "1000"), (f"共同{n}", None, "500")],
            by=officer,
        )
    recovery = Recovery.objects.get(reference="(2026)苏0706刑初1号")
    pay(recovery.debtors.first(), officer, "100")
    client.force_login(officer)
    # Session, user, groups and roles, the count, five totals, the courts filter, the page and its debtors.
    with django_assert_max_num_queries(18):
        page = client.get("/recoveries/")
    assert page.status_code == 200 and len(page.context["page"]) == 12
    assert page.context["totals"]["ordered"] == D("18000.00") and page.context["totals"]["paid"] == D("100.00")
    assert len(client.get(f"/recoveries/?court={cz_court.pk}").context["page"]) == 4
    assert [r.reference for r in client.get("/recoveries/?debtor=债务人1").context["page"]] == [
        "(2026)苏0706刑初1号",
        "(2026)苏0706刑初10号",
        "(2026)苏0706刑初11号",
    ]
    assert len(client.get("/recoveries/?status=enforcing").context["page"]) == 0
    assert len(client.get("/recoveries/?status=following").context["page"]) == 12


def test_nav_link_for_officers_and_court_liaisons(client, recovery, officer, court_liaison, police):
    for user, shown in ((officer, True), (court_liaison, True), (police, False)):
        client.force_login(user)
        assert ('href="/recoveries/"' in client.get("/cases/").content.decode()) is shown


# ---------------------------------------------------------------------------------- reminders and demo


def test_reminders_go_to_the_officers_once_per_debtor_and_date(recovery, debtors, officer, director):
    services.instalments_add(debtor=debtors[0], items=[(days(2), "1000"), (days(40), "1000")], by=officer)
    services.promise_record(debtor=debtors[1], by=officer, amount="500", deadline=days(-1), made_on=days(-10))
    items = recovery_due_items(today())
    assert [(i.object_id, i.due) for i in items] == [(debtors[1].pk, days(-1)), (debtors[0].pk, days(2))]
    assert "¥1,000.00" in items[1].title and items[1].url == f"/recoveries/{recovery.pk}/"
    assert send_reminders(today=today()) == 2
    assert send_reminders(today=today()) == 0
    assert set(Reminder.objects.values_list("user_id", flat=True)) == {officer.pk}


def test_demo_recovery_follows_the_xiamen_meeting(case, lyg_court, officer):
    with time_machine.travel(datetime.datetime(2026, 5, 20, 10, tzinfo=datetime.UTC)):
        recovery = demo_recoveries(case=case, court=lyg_court, by=officer, today=timezone.localdate())
        assert demo_recoveries(case=case, court=lyg_court, by=officer, today=timezone.localdate()) == recovery
        meeting = recovery.meetings.get()
        assert meeting.attending.count() == 3
        assert sum(p.amount for p in meeting.payments.all()) == D("83000.00")
        money = Recovery.objects.with_money().with_status().get(pk=recovery.pk)
        promised = sum(p.amount for p in meeting.promises.all())
        assert money.balance == promised and money.status == Status.ENFORCING
        assert Instalment.objects.overdue().count() == 1
        assert not Promise.objects.overdue().exists()
        assert recovery.enforcement_applications.get().steps.count() == 2
