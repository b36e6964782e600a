"""Named users as in shared/style.md: alice owns (连云港 section head), bob reads (连云港
investigator, no triage right), charlie is an outsider (常州 section head); plus a police
liaison of alice's city and the province auditor."""

import pytest
from django.conf import settings as django_settings
from rest_framework.test import APIClient

from organisation.models import Agency, Region
from organisation.roles import Role
from organisation.services import role_group_ensure
from tests.factories import AgencyFactory, RegionFactory, SubjectFactory, UserFactory
from workflows.triage import triage_start

# Shared fixtures of the referral tests (director, procuratorate, discipline, a sent referral, ...).
pytest_plugins = ["tests.referral_support", "tests.reward_support"]


def pytest_configure(config):
    django_settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def province(db):
    return RegionFactory(code="320000", name="江苏省", level=Region.Level.PROVINCE)


@pytest.fixture
def lyg_region(province):
    return RegionFactory(code="320700", name="连云港市", parent=province)


@pytest.fixture
def cz_region(province):
    return RegionFactory(code="320400", name="常州市", parent=province)


@pytest.fixture
def province_bureau(province):
    bureau = AgencyFactory(region=province, code="320000-bureau", name="江苏省医疗保障局", number_prefix="苏医保")
    role_group_ensure(agency=bureau, role=Role.AUDITOR)
    return bureau


@pytest.fixture
def lyg_bureau(lyg_region, province_bureau):
    return AgencyFactory(region=lyg_region, code="320700-bureau", name="连云港市医疗保障局", number_prefix="连医保")


@pytest.fixture
def cz_bureau(cz_region, province_bureau):
    return AgencyFactory(region=cz_region, code="320400-bureau", name="常州市医疗保障局", number_prefix="常医保")


@pytest.fixture
def lyg_police(lyg_region):
    return AgencyFactory(
        region=lyg_region, code="320700-police", name="连云港市公安局", kind=Agency.Kind.POLICE, number_prefix="连公"
    )


@pytest.fixture
def alice(lyg_bureau):
    return UserFactory(username="alice", first_name="王丽", agency=lyg_bureau, roles=[Role.SECTION_HEAD])


@pytest.fixture
def alice2(lyg_bureau):
    return UserFactory(username="alice2", first_name="张强", agency=lyg_bureau, roles=[Role.SECTION_HEAD])


@pytest.fixture
def bob(lyg_bureau):
    return UserFactory(username="bob", first_name="李明", agency=lyg_bureau, roles=[Role.INVESTIGATOR])


@pytest.fixture
def clerk(lyg_bureau):
    return UserFactory(username="clerk", first_name="赵敏", agency=lyg_bureau, roles=[Role.CLERK])


@pytest.fixture
def charlie(cz_bureau):
    return UserFactory(username="charlie", first_name="陈刚", agency=cz_bureau, roles=[Role.SECTION_HEAD])


@pytest.fixture
def police(lyg_police):
    return UserFactory(username="police", first_name="刘警官", agency=lyg_police, roles=[Role.LIAISON])


@pytest.fixture
def auditor(province_bureau):
    return UserFactory(username="auditor", first_name="审计员", agency=province_bureau, roles=[Role.AUDITOR])


@pytest.fixture
def subject(lyg_region):
    return SubjectFactory(region=lyg_region, name="连云港市第一人民医院", code="H32070300001")


@pytest.fixture
def other_subject(lyg_region):
    return SubjectFactory(region=lyg_region, name="海州区朝阳社区卫生服务中心", code="H32070300002")


@pytest.fixture
def make_lead(lyg_bureau, subject, alice):
    """Register a lead of alice's bureau through the triage flow, as intake does."""

    def make(**fields):
        defaults = {
            "agency": lyg_bureau,
            "source_kind": "screen_hit",
            "title": "疑似挂床住院",
            "description": "智能监控发现同一参保人住院期间多次门诊购药。",
            "subjects": [subject],
            "by": alice,
        }
        return triage_start(**{**defaults, **fields})

    return make


@pytest.fixture
def lead(make_lead):
    return make_lead()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def api_as(db):
    """A separate API client signed in as user (so several users can be used in one test)."""

    def login(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return login


@pytest.fixture
def reward_handler(lyg_bureau):
    return UserFactory(username="reward", first_name="周洁", agency=lyg_bureau, roles=[Role.REWARD_HANDLER])


@pytest.fixture
def cz_clerk(cz_bureau):
    return UserFactory(username="cz_clerk", first_name="吴芳", agency=cz_bureau, roles=[Role.CLERK])


@pytest.fixture
def screener(lyg_bureau):
    """连云港's screening system: a service account that may only submit hits for its region."""
    return UserFactory(username="screener", first_name="智能监控", agency=lyg_bureau, roles=[Role.SCREENING_SERVICE])


@pytest.fixture
def cz_screener(cz_bureau):
    return UserFactory(username="cz_screener", first_name="智能监控", agency=cz_bureau, roles=[Role.SCREENING_SERVICE])


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    """Attachments and other private files go to a per-test directory."""
    settings.PRIVATE_ROOT = tmp_path / "private"
    return settings.PRIVATE_ROOT


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
