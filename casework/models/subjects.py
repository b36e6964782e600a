from django.db import models
from django.utils.translation import gettext_lazy as _


class SubjectQuerySet(models.QuerySet):
    def of_kind(self, kind: str):
        return self.filter(kind=kind)

    def in_regions(self, region_ids):
        return self.filter(region_id__in=region_ids)

    def with_suspension(self, day=None):
        """Annotate the measure in force on day (today) and its last day: `suspension_scope`, `suspended_until`.

        Termination (open-ended) wins over a suspension; otherwise the one ending last.
        """
        from django.db.models import F, OuterRef, Subquery

        from casework.models.sanctions import Suspension

        running = (
            Suspension.objects.in_force(day)
            .filter(subject=OuterRef("pk"))
            .order_by(F("ends_on").desc(nulls_first=True), "-pk")
        )
        return self.annotate(
            suspension_scope=Subquery(running.values("scope")[:1]),
            suspended_until=Subquery(running.values("ends_on")[:1]),
        )


class Subject(models.Model):
    """A checked party (检查对象): institution, pharmacy, insured person or practitioner."""

    class Kind(models.TextChoices):
        INSTITUTION = "institution", _("Designated medical institution")
        PHARMACY = "pharmacy", _("Designated retail pharmacy")
        INSURED = "insured", _("Insured person")
        PRACTITIONER = "practitioner", _("Medical-insurance practitioner")
        OTHER = "other", _("Other")

    class Level(models.TextChoices):
        TERTIARY = "3", _("Tertiary")
        SECONDARY = "2", _("Secondary")
        PRIMARY = "1", _("Primary")
        UNGRADED = "0", _("Ungraded")

    class Ownership(models.TextChoices):
        PUBLIC = "public", _("Public")
        PRIVATE = "private", _("Private")

    class Profession(models.TextChoices):
        DOCTOR = "doctor", _("Doctor")
        PHARMACIST = "pharmacist", _("Pharmacist")
        NURSE = "nurse", _("Nurse")
        TECHNICIAN = "technician", _("Technician")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        TO_VERIFY = "to_verify", _("To verify")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    region = models.ForeignKey(
        "organisation.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="subjects"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    # Institutions and pharmacies.
    level = models.CharField(_("level"), max_length=2, choices=Level.choices, blank=True)
    ownership = models.CharField(_("ownership"), max_length=10, choices=Ownership.choices, blank=True)
    category = models.CharField(_("type"), max_length=40, blank=True, help_text=_("e.g. general hospital, clinic"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    # Insured persons: only the masked ID number is kept in the registry.
    id_number_masked = models.CharField(_("ID number (masked)"), max_length=20, blank=True)
    # Practitioners.
    profession = models.CharField(_("profession"), max_length=16, choices=Profession.choices, blank=True)
    institution = models.ForeignKey(
        "self",
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practitioners",
        limit_choices_to={"kind__in": ["institution", "pharmacy"]},
    )

    objects = SubjectQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "code"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="one_subject_per_kind_code")]
        indexes = [models.Index(fields=["region", "kind"])]
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def as_ref(self) -> dict:
        return {"kind": self.kind, "code": self.code, "name": self.name}


def mask_id_number(id_number: str) -> str:
    """Keep the first 4 and last 4 characters of an ID number, as printed on official lists."""
    id_number = (id_number or "").strip()
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def id_check_digit(body: str) -> str:
    """The GB 11643 check character of the first 17 digits of a citizen ID number."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
