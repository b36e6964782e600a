"""The load run's world: the demo installation, plus criminal referrals waiting at each city's police
and a backlog of screening leads, all made through the services the pages and the API call.

Documents the seeding issues are left unrendered (documents.services.document_render is deferred, as
benchmarks/measure.py does): the product renders a document on its first download, so nothing here is
a stand-in, and seeding 100 referrals takes a minute instead of ten.
"""

import datetime
import io
import random
from unittest import mock

from django.core.management import call_command
from django.db import transaction

from casework.models import Subject
from documents import services as document_services
from intake.screening import screen_hits_ingest
from organisation.models import Agency, User
from referrals import services as referral_services
from referrals.models import Referral
from tests.e2e.stories import referral_awaiting_approval

CITIES = {"lyg": "320700", "cz": "320400"}
SEED_SOURCE = "load-seed"


def seed(*, referrals_per_city: int, backlog_hits_per_city: int, demo: bool = True) -> dict:
    """Build the world and return the pool file's content: referral ids per city, subject codes."""
    if demo:
        call_command("demo_data", verbosity=0, stdout=io.StringIO())
    pool: dict = {"referrals": {}, "subjects": {}}
    with mock.patch.object(document_services, "document_render", lambda *, document: document):
        for prefix in CITIES:
            pool["referrals"][prefix] = _referrals(prefix, referrals_per_city)
            pool["subjects"][prefix] = _subject_codes(prefix)
            _backlog(prefix, pool["subjects"][prefix], backlog_hits_per_city)
    return pool


def _referrals(prefix: str, count: int) -> list[int]:
    """Criminal referrals sent to the city's police, awaiting receipt, each on its own case."""
    head = User.objects.get(username=f"{prefix}_head")
    director = User.objects.get(username=f"{prefix}_director")
    codes = list(
        Subject.objects.filter(region__in=head.agency.region.descendant_ids(), kind=Subject.Kind.INSTITUTION)
        .order_by("code")
        .values_list("code", flat=True)
    )
    ids = []
    for index in range(count):
        story = referral_awaiting_approval(prefix, subject_code=codes[index % len(codes)])
        referral = Referral.objects.get(pk=story["referral"])
        referral = referral_services.referral_approve(referral=referral, by=director, approve=True)
        referral_services.referral_send(referral=referral, by=User.objects.get(username=f"{prefix}_inv1"))
        ids.append(referral.pk)
    return ids


def _subject_codes(prefix: str) -> list[str]:
    bureau = Agency.objects.get(code=f"{CITIES[prefix]}-bureau")
    return list(
        Subject.objects.filter(region__in=bureau.region.descendant_ids())
        .exclude(kind=Subject.Kind.INSURED)
        .order_by("code")
        .values_list("code", "kind", "name")
    )


def _backlog(prefix: str, subjects: list, count: int) -> None:
    """Screening hits of the past months, so the lead lists and triage queues have realistic length."""
    account = User.objects.get(username=f"{prefix}_screening")
    rng = random.Random(prefix)
    today = datetime.date.today()
    hits = []
    for index in range(count):
        code, kind, name = rng.choice(subjects)
        start = today - datetime.timedelta(days=rng.randint(30, 300))
        hits.append(
            {
                "source": SEED_SOURCE,
                "external_id": f"{prefix}-{index:06d}",
                "rule_code": f"R{rng.randint(1, 40):03d}",
                "rule_name": "超量开药" if index % 2 else "分解住院",
                "subject": {"kind": kind, "code": code, "name": name},
                "period_from": start.isoformat(),
                "period_to": (start + datetime.timedelta(days=30)).isoformat(),
                "amount": f"{rng.randint(100, 90000)}.{rng.randint(0, 99):02d}",
                "details": {"claims": rng.randint(1, 40)},
            }
        )
    for offset in range(0, len(hits), 1000):
        with transaction.atomic():
            screen_hits_ingest(hits=hits[offset : offset + 1000], by=account)
