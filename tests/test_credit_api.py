"""GET /api/v1/credit/{kind}/{code}/ (api.md "Credit"): the shape, who may read it, and the refusals."""

import datetime

import pytest

from credit import services
from organisation.models import Agency
from organisation.roles import Role
from tests import test_credit_support as support
from tests.factories import AgencyFactory, SubjectFactory, UserFactory
from tests.test_credit_support import score

# The shared fixtures, bound here so pytest finds them.
credit_case, second_case, insured, doctor = support.credit_case, support.second_case, support.insured, support.doctor

D = datetime.date


def _url(kind, code):
    return f"/api/v1/credit/{kind}/{code}/"


def test_an_insured_person_with_points_and_a_listing(api_as, alice, credit_case, insured):
    score(credit_case, insured, 15, D(2026, 3, 1), alice)
    services.credit_evaluate(insured, D(2026, 3, 1))
    response = api_as(alice).get(_url("insured", insured.code))
    assert response.status_code == 200
    body = response.json()
    assert (body["points"], body["period"], body["grade"], body["blacklisted"]) == (15, "2026", "blacklisted", True)
    assert (body["entries"][0]["kind"], body["entries"][0]["date"], body["entries"][0]["case"]) == (
        "blacklisted",
        "2026-03-01",
        credit_case.number,
    )
    assert {"date": "2026-03-01", "kind": "points", "points": 15, "case": credit_case.number}.items() <= body[
        "entries"
    ][1].items()
    assert body["blacklistings"][0]["listed_on"] == "2026-03-01"


def test_a_practitioner_terminated(api_as, alice, credit_case, doctor):
    score(credit_case, doctor, 12, D(2026, 2, 1), alice)
    services.credit_evaluate(doctor, D(2026, 2, 1))
    body = api_as(alice).get(_url("practitioner", doctor.code)).json()
    assert (body["grade"], body["reregistration_from"], body["blacklisted"]) == ("terminated", "2029-02-01", False)


def test_no_entries_read_zero_points_not_blacklisted(api_as, police, insured):
    body = api_as(police).get(_url("insured", insured.code)).json()
    assert (body["points"], body["blacklisted"], body["entries"]) == (0, False, [])


def test_a_pharmacy_reads_its_grade_or_none(api_as, alice, lyg_region):
    pharmacy = SubjectFactory(region=lyg_region, kind="pharmacy", code="P32070300001", name="康民大药房")
    response = api_as(alice).get(_url("pharmacy", pharmacy.code))
    assert response.status_code == 200
    assert "grade" in response.json()


@pytest.mark.parametrize("who", ["alice", "police", "auditor", "agency_staff"])
def test_readers_of_the_region_or_above(api_as, request, who, insured, lyg_region):
    if who == "agency_staff":
        agency = AgencyFactory(
            region=lyg_region, code="320700-agency", kind=Agency.Kind.INSURANCE_AGENCY, number_prefix="连经"
        )
        user = UserFactory(agency=agency, roles=[Role.AGREEMENT_MANAGER])
    else:
        user = request.getfixturevalue(who)
    assert api_as(user).get(_url("insured", insured.code)).status_code == 200


def test_another_region_a_screening_account_and_anonymous_are_refused(api, api_as, charlie, screener, insured):
    assert api.get(_url("insured", insured.code)).status_code == 401
    assert api_as(charlie).get(_url("insured", insured.code)).status_code == 404
    assert api_as(screener).get(_url("insured", insured.code)).status_code == 404


def test_unknown_kind_or_code_is_404_and_writes_are_405(api_as, alice, insured):
    client = api_as(alice)
    assert client.get(_url("hospital", insured.code)).status_code == 404
    assert client.get(_url("practitioner", insured.code)).status_code == 404
    assert client.get(_url("insured", "nope")).status_code == 404
    assert client.post(_url("insured", insured.code), {}).status_code == 405


def test_token_authentication(api, alice, insured):
    alice.set_password("pw-123456")
    alice.save()
    token = api.post("/api/v1/auth/token/", {"username": "alice", "password": "pw-123456"}, format="json").json()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token['token']}")
    assert api.get(_url("insured", insured.code)).status_code == 200
