"""factory_boy factories and small builders for the organisation tests run against."""

import factory
from django.db import connection

from casework.models import Subject
from organisation.models import Agency, Region, User
from organisation.services import user_set_roles


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"3299{n:02d}")
    name = factory.Sequence(lambda n: f"测试市{n}")
    level = Region.Level.CITY


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    region = factory.SubFactory(RegionFactory)
    kind = Agency.Kind.BUREAU
    code = factory.LazyAttribute(lambda a: f"{a.region.code}-bureau")
    name = factory.LazyAttribute(lambda a: f"{a.region.name}医疗保障局")
    number_prefix = factory.LazyAttribute(lambda a: f"{a.region.name[0]}医保")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("pw")
    agency = factory.SubFactory(AgencyFactory)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if extracted:
            user_set_roles(user=self, roles=extracted)


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject

    kind = Subject.Kind.INSTITUTION
    code = factory.Sequence(lambda n: f"H{n:08d}")
    name = factory.Sequence(lambda n: f"第{n}人民医院")
    region = factory.SubFactory(RegionFactory)
    level = Subject.Level.SECONDARY
    ownership = Subject.Ownership.PUBLIC


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def found_loss(case, subject, fund_loss) -> None:
    """A finding of fund loss for subject in case, so that a refund of it can be ordered (test shortcut)."""
    from decimal import Decimal

    from casework.models import Violation, ViolationItem

    item = ViolationItem.objects.get_or_create(subject_kind="institution", number=5, defaults={"name": "条目5"})[0]
    Violation.objects.create(
        case=case, subject=subject, item=item, amount=Decimal(fund_loss), fund_loss=Decimal(fund_loss)
    )
