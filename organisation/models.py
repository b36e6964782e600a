"""Regions (统筹区), agencies, users and their role groups, and gapless number sequences."""

from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from organisation.roles import Role


class Region(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        COUNTY = "county", _("County")

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    def ancestors_and_self(self) -> list["Region"]:
        chain, node = [], self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def descendant_ids(self) -> set[int]:
        """Ids of this region and every region below it (a few levels deep at most)."""
        ids, frontier = {self.pk}, [self.pk]
        while frontier:
            frontier = list(Region.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            ids.update(frontier)
        return ids


class Agency(models.Model):
    class Kind(models.TextChoices):
        BUREAU = "medical_security_bureau", _("Medical security bureau")
        INSURANCE_AGENCY = "insurance_agency", _("Insurance handling agency")
        POLICE = "police", _("Public security bureau")
        PROCURATORATE = "procuratorate", _("Procuratorate")
        COURT = "court", _("People's court")
        DISCIPLINE = "discipline_inspection", _("Discipline inspection and supervision commission")
        HEALTH = "health_commission", _("Health commission")
        MARKET = "market_regulation", _("Market regulation administration")
        AUDIT = "audit", _("Audit office")
        FINANCE = "finance", _("Finance bureau")
        DEVELOPMENT = "development_reform", _("Development and reform commission")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="agencies")
    # Prefix of document and case numbers, e.g. 连医保 in 连医保立〔2026〕3号.
    number_prefix = models.CharField(_("number prefix"), max_length=16)

    class Meta:
        ordering = ["code"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name


class RoleGroup(models.Model):
    """The Django group that holds one role in one agency."""

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="role_group")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="role_groups")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "role"], name="one_group_per_agency_role")]
        verbose_name = _("role group")
        verbose_name_plural = _("role groups")

    def __str__(self) -> str:
        return f"{self.agency} · {self.get_role_display()}"


class User(AbstractUser):
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.is_authenticated or self.agency_id is None:
            return frozenset()
        return frozenset(
            RoleGroup.objects.filter(group_id__in=self.group_ids, agency_id=self.agency_id).values_list(
                "role", flat=True
            )
        )

    @cached_property
    def group_ids(self) -> list[int]:
        return list(self.groups.values_list("pk", flat=True)) if self.is_authenticated else []

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def display_name(self) -> str:
        """Chinese order, no space: surname (last_name) then given name."""
        return f"{self.last_name}{self.first_name}".strip() or self.username


class NumberSequence(models.Model):
    """The last number issued in one series (agency, series, year); rows are locked to allocate."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "series", "year"], name="one_sequence_per_series_year")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}:{self.series}:{self.year}={self.last}"
