"""Inspection plans (双随机一公开, 飞行检查, 专项检查, 全覆盖) and their reproducible random draw.

A plan belongs to one bureau and a period. Its draw stores everything needed to re-run it — the seed,
the algorithm version, the population snapshot (each subject with its stratum and credit weight), the
inspector pool and the conflicts of interest (回避) then declared — so anyone holding the record can
recompute the same targets and pairs (inspections.sampling.draw) and check the published list.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisation.models import Agency, User


def _readable_by(queryset, user: User, *, also: Q | None = None):
    """Rows of the user's own bureau (or matching also); of bureaus below a bureau's region (上级抽查); of the
    region and below for auditors. Superusers read all, anonymous users and users without an agency nothing."""
    if not user.is_authenticated or (user.agency_id is None and not user.is_superuser):
        return queryset.none()
    if user.is_superuser:
        return queryset
    below = user.agency.region.descendant_ids()
    condition = Q(agency_id=user.agency_id)
    if also is not None:
        condition |= also
    if user.agency.kind == Agency.Kind.BUREAU:
        condition |= Q(agency__region_id__in=below - {user.agency.region_id})
    if user.has_role("auditor"):
        condition |= Q(agency__region_id__in=below)
    return queryset.filter(condition)


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user: User):
        """The owning bureau's staff; bureaus of a superior region; auditors of the region or above."""
        return _readable_by(self, user)


class Plan(models.Model):
    class Kind(models.TextChoices):
        RANDOM = "random", _("Double-random check")
        UNANNOUNCED = "unannounced", _("Unannounced (flying) inspection")
        THEMATIC = "thematic", _("Thematic inspection")
        FULL = "full", _("Full coverage")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        DRAWN = "drawn", _("Drawn")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    agency = models.ForeignKey(
        "organisation.Agency", verbose_name=_("bureau"), on_delete=models.PROTECT, related_name="inspection_plans"
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("to"))
    # Scope: subject kinds (institution, pharmacy) and regions (the bureau's region and below).
    subject_kinds = models.JSONField(_("subject kinds"), default=list)
    regions = models.ManyToManyField("organisation.Region", verbose_name=_("regions"), related_name="+")
    # Sample rule: percent of the population, at least `sample_minimum`, never more than the population.
    sample_percent = models.DecimalField(_("sample percent"), max_digits=5, decimal_places=2)
    sample_minimum = models.PositiveIntegerField(_("minimum count"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The draw record.
    seed = models.CharField(_("seed"), max_length=64, blank=True)
    algorithm_version = models.CharField(_("algorithm version"), max_length=20, blank=True)
    draw_record = models.JSONField(_("draw record"), default=dict, blank=True)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.ForeignKey(
        "inspections.SpecialAction",
        null=True,
        blank=True,
        verbose_name=_("special action"),
        on_delete=models.SET_NULL,
        related_name="plans",
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-period_from", "-pk"]
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")

    def __str__(self) -> str:
        return self.title

    @property
    def subject_kind_labels(self) -> list[str]:
        from casework.models import Subject

        return [str(Subject.Kind(kind).label) for kind in self.subject_kinds]

    @property
    def population_size(self) -> int:
        return len(self.draw_record.get("population", []))


class Target(models.Model):
    class Result(models.TextChoices):
        PENDING = "", _("Not visited")
        NOTHING_FOUND = "nothing_found", _("Nothing found")
        FOUND = "found", _("Irregularities found")

    class Origin(models.TextChoices):
        DRAW = "draw", _("Random draw")
        INPATIENT_BILL = "inpatient_bill", _("Inpatient bill over the review threshold")
        OUTPATIENT_TOP = "outpatient_top", _("Top outpatient spender")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="targets")
    subject = models.ForeignKey(
        "casework.Subject", verbose_name=_("subject"), on_delete=models.PROTECT, related_name="inspection_targets"
    )
    stratum = models.CharField(_("stratum"), max_length=200)
    position = models.PositiveIntegerField(_("position in the draw"))
    # Review targets imported from the screening rules (origin other than draw) name what is reviewed:
    # the bill number, or the spender's rank; amount is the bill's or the spender's total (yuan).
    origin = models.CharField(_("origin"), max_length=16, choices=Origin.choices, default=Origin.DRAW)
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    review_import = models.ForeignKey(
        "inspections.ReviewImport", null=True, blank=True, on_delete=models.PROTECT, related_name="targets"
    )
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("inspectors"), related_name="+")
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    violation_items = models.ManyToManyField(
        "casework.ViolationItem", blank=True, verbose_name=_("violations found"), related_name="+"
    )
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, blank=True, default="")
    record = models.OneToOneField(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead = models.ForeignKey(
        "casework.Lead", null=True, blank=True, on_delete=models.PROTECT, related_name="inspection_targets"
    )

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "subject", "reference"], name="one_target_per_plan_subject_ref")
        ]
        verbose_name = _("inspection target")
        verbose_name_plural = _("inspection targets")

    def __str__(self) -> str:
        return f"{self.plan} – {self.subject}"

    @property
    def stratum_label(self) -> str:
        """kind:level:ownership as the page shows it, e.g. 定点医疗机构 · 二级 · 公立 ('-' parts left out)."""
        from casework.models import Subject

        labels = []
        for part, choices in zip(
            self.stratum.split(":"), (Subject.Kind, Subject.Level, Subject.Ownership), strict=False
        ):
            if part and part != "-":
                labels.append(str(dict(choices.choices).get(part, part)))
        return " · ".join(labels)


class Conflict(models.Model):
    """A declared conflict of interest (回避): the inspector may not check the subject (in one plan, or any)."""

    plan = models.ForeignKey(
        Plan, null=True, blank=True, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="conflicts"
    )
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    subject = models.ForeignKey("casework.Subject", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")

    def __str__(self) -> str:
        return f"{self.inspector} / {self.subject}"


class ReviewImport(models.Model):
    """One import of review targets from a screening rule (every inpatient bill over ¥50,000 in the period,
    the top 100 outpatient spenders), from the screen-hit data or an uploaded file; kept as the record of
    which rows gave which targets."""

    class Rule(models.TextChoices):
        INPATIENT_BILL = "inpatient_bill", _("Every inpatient bill over the threshold")
        OUTPATIENT_TOP = "outpatient_top", _("The top outpatient spenders")

    class Source(models.TextChoices):
        SCREEN_HITS = "screen_hits", _("Screening data")
        FILE = "file", _("File")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="review_imports")
    rule = models.CharField(_("rule"), max_length=16, choices=Rule.choices)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    threshold = models.DecimalField(_("threshold (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    limit = models.PositiveIntegerField(_("how many"), null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64, blank=True)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    targets_created = models.PositiveIntegerField(_("targets created"), default=0)
    record = models.JSONField(_("import record"), default=dict, blank=True)
    created_at = models.DateTimeField(_("imported at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["plan", "pk"]
        verbose_name = _("review import")
        verbose_name_plural = _("review imports")

    def __str__(self) -> str:
        return f"{self.plan} – {self.get_rule_display()}"


class SpecialActionQuerySet(models.QuerySet):
    def visible_to(self, user: User):
        """The leading bureau's staff, the member agencies' staff, superior bureaus and auditors above."""
        if not user.is_authenticated or user.agency_id is None:
            return _readable_by(self, user)
        return _readable_by(self, user, also=Q(member_agencies=user.agency_id)).distinct()


class SpecialAction(models.Model):
    """专项行动: a time-boxed campaign led by a bureau with member agencies (e.g. Liyang 2018: 人社, 卫计,
    公安, 市场监管), a leading group, phases, the plans run under it and a closing report."""

    agency = models.ForeignKey(
        "organisation.Agency",
        verbose_name=_("leading bureau"),
        on_delete=models.PROTECT,
        related_name="special_actions",
    )
    title = models.CharField(_("title"), max_length=200)
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("to"))
    regions = models.ManyToManyField("organisation.Region", verbose_name=_("regions"), related_name="+")
    goals = models.TextField(_("goals and focus"), blank=True)
    member_agencies = models.ManyToManyField(
        "organisation.Agency", blank=True, verbose_name=_("member agencies"), related_name="special_actions_joined"
    )
    office = models.CharField(_("leading group office"), max_length=200, blank=True)
    summary = models.TextField(_("written summary"), blank=True)
    report = models.ForeignKey("documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = SpecialActionQuerySet.as_manager()

    class Meta:
        ordering = ["-period_from", "-pk"]
        verbose_name = _("special action")
        verbose_name_plural = _("special actions")

    def __str__(self) -> str:
        return self.title


class ActionPhase(models.Model):
    class Kind(models.TextChoices):
        DEPLOY = "deploy", _("Deployment")
        SELF_CHECK = "self_check", _("Self-inspection")
        RECTIFY = "rectify", _("Rectification and acceptance checks")
        SUMMARY = "summary", _("Summary and report")

    action = models.ForeignKey(SpecialAction, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("phase"), max_length=12, choices=Kind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    tasks = models.TextField(_("tasks"), blank=True)

    class Meta:
        ordering = ["action", "starts_on", "pk"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")

    def __str__(self) -> str:
        return self.get_kind_display()


class LeadingGroupMember(models.Model):
    class Position(models.TextChoices):
        LEADER = "leader", _("Group leader")
        DEPUTY = "deputy", _("Deputy leader")
        MEMBER = "member", _("Member")

    action = models.ForeignKey(SpecialAction, on_delete=models.CASCADE, related_name="leading_group")
    position = models.CharField(_("position"), max_length=8, choices=Position.choices)
    name = models.CharField(_("name"), max_length=50)
    post = models.CharField(_("post"), max_length=120)
    agency = models.ForeignKey("organisation.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["action", "order", "pk"]
        verbose_name = _("leading group member")
        verbose_name_plural = _("leading group members")

    def __str__(self) -> str:
        return f"{self.get_position_display()} {self.name}"
