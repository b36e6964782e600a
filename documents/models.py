from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from documents.kinds import CONFIDENTIAL_KIND_CODES, KIND_CHOICES


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        from casework.models import Case, Lead
        from referrals.models import Referral

        if not user.is_authenticated:
            return self.none()
        confidential = Q(kind__in=CONFIDENTIAL_KIND_CODES)
        # A referral's package is visible to the receiving agency, which does not see the case.
        in_visible_referral = Exists(
            Referral.documents.through.objects.filter(
                document_id=OuterRef("pk"), referral__in=Referral.objects.visible_to(user).values("pk")
            )
        )
        return self.filter(
            (
                ~confidential
                & (
                    Q(case__in=Case.objects.visible_to(user).values("pk"))
                    | Q(lead__in=Lead.objects.visible_to(user).values("pk"))
                    | in_visible_referral
                )
            )
            | (confidential & Q(lead__in=Lead.objects.identity_readable_by(user).values("pk")))
        )

    def without_confidential(self):
        return self.exclude(kind__in=CONFIDENTIAL_KIND_CODES)

    def issued(self):
        return self.exclude(sha256="")

    def with_related(self):
        return self.select_related("agency", "case", "supersedes").defer("pdf", "context")


class Document(models.Model):
    """A generated, numbered official document (文书). Never changes once issued.

    The template context is frozen at issue; the PDF is rendered from it once, and its
    bytes and SHA-256 are stored. A correction is a new document that `supersedes` this one.
    """

    agency = models.ForeignKey(
        "organisation.Agency", verbose_name=_("issuing agency"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=KIND_CHOICES)
    number = models.CharField(_("number"), max_length=60, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    title = models.CharField(_("title"), max_length=100)
    case = models.ForeignKey(
        "casework.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    lead = models.ForeignKey(
        "casework.Lead",
        verbose_name=_("lead"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    context = models.JSONField(_("content"), default=dict)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    pdf = models.BinaryField(_("PDF"), null=True, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind", "year", "sequence"], name="one_document_number"),
        ]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return f"{self.title} {self.number}"

    @property
    def is_rendered(self) -> bool:
        return bool(self.sha256)
