"""Review targets from the screening rules of the 2018 special action (seed 004, 三 (三) 1 and 2):
对2017年以来住院单次医疗费用超过5万元的票据全面复查; 统筹地区对门诊费用排名前100位的参保人员进行全面复查.

Rules
- inpatient_bill: every inpatient bill over the threshold (strictly more than ¥50,000, or
  settings.INSPECTION_INPATIENT_BILL_THRESHOLD) settled in the plan's period → one target per bill: the
  institution, the bill number as reference, the bill amount.
- outpatient_top: the top N (100, or settings.INSPECTION_OUTPATIENT_TOP) insured persons by their total
  outpatient spending in the period → one target per person, reference "门诊费用第N名", amount the total.
  Ties are broken by the person's code, so the ranking is stable; each bill counts once.

Sources
- screen_hits: hits received through the plan's bureau's screening batches, on subjects in the plan's
  regions, that are settlement rows. Convention: details["就诊类型"] is "住院" or "门诊", details["结算单号"]
  the bill number, details["结算日期"] the settlement date (YYYY-MM-DD), hit.amount the bill amount; the
  hit's subject is the institution billed for 住院 rows and the insured person for 门诊 rows. A bill
  flagged by several rules counts once; a hit whose date cannot be read is skipped and counted.
- file: a CSV or XLSX export with the header 结算单号, 就诊类型, 参保人编码, 参保人姓名, 机构编码, 机构名称,
  结算日期, 金额. Any bad row refuses the whole file, with every problem listed by row number. Institutions
  and persons not in the registry are registered 待核实 in the plan's first region, as intake's screening
  registers unknown subjects; those registered in a region outside the plan's are out of scope (异地就医).

Re-importing a bill (institution, bill number) or a person already a review target of the plan is skipped
and counted. The pairs of the new targets are drawn with inspections.sampling.import_pairs, seeded from the
plan's seed and the import's id; the record stores the seed, the pool, the conflicts, and the rows behind
each target, so anyone can re-run it.
"""

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.db.models.fields.json import KT
from django.utils.translation import gettext as _

from casework.audit import acting
from casework.errors import InvalidInput, InvalidTransition
from casework.models import Subject
from casework.money import parse_yuan
from inspections import sampling, services
from inspections.models import Conflict, Plan, ReviewImport, Target
from intake.models import ScreenHit
from intake.screening_import import RowError, UnreadableFile, read_table
from organisation.models import User

# Seed 004, 三 (三) 1: 住院单次医疗费用超过5万元的票据全面复查 (strictly more than the threshold).
INPATIENT_BILL_THRESHOLD = Decimal("50000.00")
# Seed 004, 三 (三) 2: 门诊费用排名前100位的参保人员进行全面复查.
OUTPATIENT_TOP = 100
INPATIENT, OUTPATIENT = "住院", "门诊"
COLUMNS = ("结算单号", "就诊类型", "参保人编码", "参保人姓名", "机构编码", "机构名称", "结算日期", "金额")
# The form lists this many row problems; the rest are counted.
ERRORS_SHOWN = 50


def inpatient_threshold() -> Decimal:
    return Decimal(str(getattr(settings, "INSPECTION_INPATIENT_BILL_THRESHOLD", INPATIENT_BILL_THRESHOLD)))


def outpatient_top() -> int:
    return int(getattr(settings, "INSPECTION_OUTPATIENT_TOP", OUTPATIENT_TOP))


@dataclass(frozen=True)
class Settlement:
    """One settled bill, from a file row or a screening hit."""

    bill: str
    visit: str
    settled_on: datetime.date
    amount: Decimal
    institution: tuple[str, str] = ("", "")  # code, name
    person: tuple[str, str] = ("", "")
    row: int | None = None
    hit: int | None = None
    subject_id: int | None = None  # a hit's subject


@dataclass
class Candidate:
    kind: str
    code: str
    name: str
    reference: str
    amount: Decimal
    sources: list[Settlement] = field(default_factory=list)
    subject: Subject | None = None


def review_import(
    plan: Plan, *, by: User, rule: str, source: str, data: bytes = b"", file_name: str = ""
) -> ReviewImport:
    """Import the review targets of rule from source into a drawn plan, with their inspector pairs.

    Locks the plan row. A file with any bad row, a draft plan, or pairs that cannot be drawn write nothing.
    """
    if rule not in ReviewImport.Rule.values:
        raise InvalidInput(errors={"rule": [_("Choose a review rule.")]})
    if source not in ReviewImport.Source.values:
        raise InvalidInput(errors={"source": [_("Choose where the settlements come from.")]})
    settlements, rows_read = [], 0
    if source == ReviewImport.Source.FILE:
        if not data:
            raise InvalidInput(errors={"file": [_("Upload the settlement export.")]})
        settlements = read_settlements(data, file_name)
        rows_read = len(settlements)
    with transaction.atomic(), acting(by):
        plan = Plan.objects.select_for_update().select_related("agency").get(pk=plan.pk)
        if plan.status == Plan.Status.DRAFT:
            raise InvalidTransition(_("Draw the plan before importing review targets."))
        region_ids = services.plan_region_ids(plan)
        skipped: dict[str, int] = defaultdict(int)
        if source == ReviewImport.Source.SCREEN_HITS:
            settlements = list(_hit_settlements(plan, rule=rule, region_ids=region_ids, skipped=skipped))
            rows_read = len(settlements) + skipped["unreadable_hits"]
        in_period = [s for s in settlements if plan.period_from <= s.settled_on <= plan.period_to]
        skipped["outside_period"] += len(settlements) - len(in_period)
        if rule == ReviewImport.Rule.INPATIENT_BILL:
            threshold, limit = inpatient_threshold(), None
            candidates = _inpatient_candidates(in_period, threshold=threshold, skipped=skipped)
        else:
            threshold, limit = None, outpatient_top()
            candidates = _outpatient_totals(in_period)
        candidates = _in_scope(candidates, plan=plan, region_ids=region_ids, skipped=skipped)
        if limit is not None:
            candidates = _ranked(candidates, limit)
        existing = _existing_keys(plan, rule)
        new = [c for c in candidates if _key(rule, c) not in existing]
        record = {
            "rule": rule,
            "source": source,
            "period": [plan.period_from.isoformat(), plan.period_to.isoformat()],
            "threshold": str(threshold) if threshold is not None else None,
            "limit": limit,
            "duplicates_skipped": [
                {"code": c.code, "reference": c.reference} for c in candidates if _key(rule, c) in existing
            ],
            "skipped": dict(sorted(skipped.items())),
        }
        review = ReviewImport.objects.create(
            plan=plan,
            rule=rule,
            source=source,
            threshold=threshold,
            limit=limit,
            file_name=file_name[:200] if source == ReviewImport.Source.FILE else "",
            file_sha256=hashlib.sha256(data).hexdigest() if source == ReviewImport.Source.FILE else "",
            rows_read=rows_read,
            created_by=by,
        )
        _register_unknown(new, plan=plan, region_ids=region_ids)
        record |= _pairs_record(plan, review, new)
        _targets_create(plan, review, rule, new, record["targets"])
        review.targets_created, review.record = len(new), record
        review.save(update_fields=["targets_created", "record"])
        if new and plan.status == Plan.Status.DONE:  # every target was visited; the new ones are open
            plan.status = Plan.Status.IN_PROGRESS
            plan.save(update_fields=["status"])
    return review


def review_replay(review: ReviewImport) -> list[list[int]]:
    """Re-run the pairs of an import from its record (inspections.sampling.import_pairs)."""
    try:
        return sampling.import_pairs(review.record)
    except sampling.DrawError as error:
        raise InvalidInput(errors={error.field: [services.draw_error_message(error)]}) from error


# Reading -------------------------------------------------------------------------------------------


def read_settlements(data: bytes, file_name: str) -> list[Settlement]:
    """Every data row of the file as a Settlement; InvalidInput listing each bad row (nothing is kept)."""
    try:
        titles, numbered = read_table(data, file_name)
        missing = [name for name in COLUMNS if name not in titles]
        if missing:
            raise UnreadableFile(
                _("Missing columns: %(columns)s. The header needs %(required)s.")
                % {"columns": ", ".join(missing), "required": ", ".join(COLUMNS)}
            )
        index = {name: titles.index(name) for name in COLUMNS}
        rows = list(numbered)
    except UnreadableFile as error:
        raise InvalidInput(errors={"file": [str(error.message)]}) from error
    settlements, errors, bills = [], [], {}
    for number, cells in rows:
        if not any(cells):
            continue
        values = {name: cells[i] if i < len(cells) else "" for name, i in index.items()}
        settlement = _settlement(number, values, errors)
        if settlement is None:
            continue
        if settlement.bill in bills:
            message = _("The bill number is also on row %(row)d.") % {"row": bills[settlement.bill]}
            errors.append(RowError(number, "结算单号", message))
            continue
        bills[settlement.bill] = number
        settlements.append(settlement)
    if errors:
        _raise_row_errors(errors)
    return settlements


def _settlement(number: int, values: dict[str, str], errors: list[RowError]) -> Settlement | None:
    before = len(errors)

    def problem(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    visit = values["就诊类型"]
    if visit not in (INPATIENT, OUTPATIENT):
        problem("就诊类型", _("Write 住院 (inpatient) or 门诊 (outpatient)."))
    sizes = {"结算单号": 120, "机构编码": 40, "参保人编码": 40, "机构名称": 120, "参保人姓名": 120}
    for column, size in sizes.items():
        if len(values[column]) > size:
            problem(column, _("At most %(count)d characters.") % {"count": size})
    if not values["结算单号"]:
        problem("结算单号", _("This field is required."))
    if visit == INPATIENT and not values["机构编码"]:
        problem("机构编码", _("An inpatient bill names the institution."))
    if visit == OUTPATIENT and not values["参保人编码"]:
        problem("参保人编码", _("An outpatient bill names the insured person."))
    try:
        settled_on = datetime.date.fromisoformat(values["结算日期"])
    except ValueError:
        settled_on = None
        problem("结算日期", _("Enter a date as YYYY-MM-DD."))
    try:
        amount = parse_yuan(values["金额"], field="金额", allow_zero=True)
    except InvalidInput as error:
        amount = None
        problem("金额", str(error.errors["金额"][0]))
    if len(errors) > before or settled_on is None or amount is None:
        return None
    return Settlement(
        bill=values["结算单号"],
        visit=visit,
        settled_on=settled_on,
        amount=amount,
        institution=(values["机构编码"], values["机构名称"]),
        person=(values["参保人编码"], values["参保人姓名"]),
        row=number,
    )


def _raise_row_errors(errors: list[RowError]) -> None:
    messages = [str(error) for error in errors[:ERRORS_SHOWN]]
    if len(errors) > ERRORS_SHOWN:
        messages.append(_("… and %(count)d more problems.") % {"count": len(errors) - ERRORS_SHOWN})
    messages.append(_("Nothing was imported; correct the file and import it again."))
    raise InvalidInput(errors={"file": messages})


def _hit_settlements(plan: Plan, *, rule: str, region_ids: set[int], skipped: dict) -> Iterable[Settlement]:
    """The settlement rows among the bureau's screening hits in the plan's regions (convention above)."""
    inpatient = rule == ReviewImport.Rule.INPATIENT_BILL
    hits = (
        ScreenHit.objects.filter(
            batch__agency_id=plan.agency_id,
            subject__region_id__in=region_ids,
            subject__kind=Subject.Kind.INSTITUTION if inpatient else Subject.Kind.INSURED,
            details__就诊类型=INPATIENT if inpatient else OUTPATIENT,
            amount__isnull=False,
        )
        .annotate(bill=KT("details__结算单号"), settled=KT("details__结算日期"))
        .order_by("pk")
        .values_list("pk", "subject_id", "subject__code", "subject__name", "bill", "settled", "amount")
    )
    for pk, subject_id, code, name, bill, settled, amount in hits.iterator(chunk_size=2000):
        try:
            settled_on = datetime.date.fromisoformat(str(settled or ""))
        except ValueError:
            settled_on = None
        if settled_on is None or not str(bill or "").strip():
            skipped["unreadable_hits"] += 1
            continue
        party = {"institution": (code, name)} if inpatient else {"person": (code, name)}
        yield Settlement(
            bill=str(bill).strip()[:120],
            visit=INPATIENT if inpatient else OUTPATIENT,
            settled_on=settled_on,
            amount=amount,
            hit=pk,
            subject_id=subject_id,
            **party,
        )


# Rules ---------------------------------------------------------------------------------------------


def _inpatient_candidates(settlements: list[Settlement], *, threshold: Decimal, skipped: dict) -> list[Candidate]:
    by_bill: dict[tuple[str, str], Candidate] = {}
    for s in settlements:
        if s.visit != INPATIENT:
            continue
        if s.amount <= threshold:
            skipped["not_over_threshold"] += 1
            continue
        key = (s.institution[0], s.bill)
        if key not in by_bill:
            by_bill[key] = Candidate(Subject.Kind.INSTITUTION, *s.institution, reference=s.bill, amount=s.amount)
        by_bill[key].sources.append(s)
    return sorted(by_bill.values(), key=lambda c: (c.code, c.reference))


def _outpatient_totals(settlements: list[Settlement]) -> list[Candidate]:
    people: dict[str, Candidate] = {}
    counted: set[tuple[str, str]] = set()
    for s in settlements:
        if s.visit != OUTPATIENT or (s.person[0], s.bill) in counted:
            continue
        counted.add((s.person[0], s.bill))
        person = people.setdefault(
            s.person[0], Candidate(Subject.Kind.INSURED, *s.person, reference="", amount=Decimal("0.00"))
        )
        person.amount += s.amount
        person.sources.append(s)
    return list(people.values())


def _ranked(people: list[Candidate], limit: int) -> list[Candidate]:
    """The top `limit` by total, ties by code; the rank becomes the reference."""
    ranked = sorted(people, key=lambda c: (-c.amount, c.code))[:limit]
    for rank, person in enumerate(ranked, start=1):
        person.reference = f"门诊费用第{rank}名"
    return ranked


def _in_scope(candidates: list[Candidate], *, plan: Plan, region_ids: set[int], skipped: dict) -> list[Candidate]:
    """Attach registered subjects; drop those registered outside the plan's regions (unknown ones stay)."""
    if not candidates:
        return []
    kind = candidates[0].kind
    known = {
        s.code: s
        for s in Subject.objects.filter(kind=kind, code__in={c.code for c in candidates}).only(
            "pk", "kind", "code", "name", "region_id", "level", "ownership"
        )
    }
    kept = []
    for candidate in candidates:
        candidate.subject = known.get(candidate.code)
        if candidate.subject is not None and candidate.subject.region_id not in region_ids:
            skipped["outside_regions"] += len(candidate.sources)
            continue
        kept.append(candidate)
    return kept


def _register_unknown(candidates: list[Candidate], *, plan: Plan, region_ids: set[int]) -> None:
    """Register the subjects not yet in the registry as 待核实 in the plan's first region."""
    unknown = [c for c in candidates if c.subject is None]
    if not unknown:
        return
    nameless = [c for c in unknown if not c.name.strip()]
    if nameless:
        column = "机构名称" if nameless[0].kind == Subject.Kind.INSTITUTION else "参保人姓名"
        message = _("%(code)s is not in the registry; give its name to register it.")
        _raise_row_errors(
            [RowError(s.row or 0, column, message % {"code": c.code}) for c in nameless for s in c.sources[:1]]
        )
    region = plan.regions.order_by("code").first()
    # One INSERT for all, skipping codes a concurrent screening batch registered meanwhile (as intake does).
    Subject.objects.bulk_create(
        [
            Subject(kind=c.kind, code=c.code, name=c.name.strip(), region=region, status=Subject.Status.TO_VERIFY)
            for c in unknown
        ],
        ignore_conflicts=True,
    )
    registered = {s.code: s for s in Subject.objects.filter(kind=unknown[0].kind, code__in={c.code for c in unknown})}
    for candidate in unknown:
        candidate.subject = registered[candidate.code]


# Targets and pairs ---------------------------------------------------------------------------------


def _key(rule: str, candidate: Candidate) -> tuple:
    if rule == ReviewImport.Rule.OUTPATIENT_TOP:
        return (candidate.kind, candidate.code)
    return (candidate.kind, candidate.code, candidate.reference)


def _existing_keys(plan: Plan, rule: str) -> set[tuple]:
    targets = plan.targets.filter(origin=rule).values_list("subject__kind", "subject__code", "reference")
    if rule == ReviewImport.Rule.OUTPATIENT_TOP:
        return {(kind, code) for kind, code, _reference in targets}
    return set(targets)


def _pairs_record(plan: Plan, review: ReviewImport, new: list[Candidate]) -> dict:
    """Seed, pool, conflicts and targets of the import's pairs, and the pairs drawn from them."""
    pool = services.inspector_pool(plan.agency)
    subject_ids = {c.subject.pk for c in new}
    declared = Conflict.objects.filter(Q(plan=plan) | Q(plan__isnull=True), inspector_id__in=pool)
    conflicts = sorted({pair for pair in declared.values_list("inspector_id", "subject_id") if pair[1] in subject_ids})
    record = {
        "pairs_version": sampling.IMPORT_PAIRS_VERSION,
        "seed": f"{plan.seed}:review:{review.pk}",
        "pool": pool,
        "conflicts": [list(pair) for pair in conflicts],
        "targets": [
            {
                "subject": c.subject.pk,
                "code": c.code,
                "reference": c.reference,
                "amount": str(c.amount),
                **({"hits": [s.hit for s in c.sources]} if c.sources[0].hit else {"rows": [s.row for s in c.sources]}),
            }
            for c in new
        ],
    }
    if new and len(pool) < sampling.PAIR_SIZE:
        raise InvalidInput(errors={"pool": [services.draw_error_message(sampling.DrawError("pool", ""))]})
    try:
        pairs = sampling.import_pairs(record)
    except sampling.DrawError as error:
        raise InvalidInput(errors={error.field: [services.draw_error_message(error)]}) from error
    for target, pair in zip(record["targets"], pairs, strict=True):
        target["inspectors"] = pair
    return record


def _targets_create(plan: Plan, review: ReviewImport, rule: str, new: list[Candidate], rows: list[dict]) -> None:
    start = (plan.targets.aggregate(last=Max("position"))["last"] or 0) + 1
    targets = Target.objects.bulk_create(
        Target(
            plan=plan,
            subject=c.subject,
            stratum=services.stratum_of(c.subject),
            position=position,
            origin=rule,
            reference=c.reference,
            amount=c.amount,
            review_import=review,
        )
        for position, c in enumerate(new, start=start)
    )
    through = Target.inspectors.through
    through.objects.bulk_create(
        through(target_id=target.pk, user_id=user_id)
        for target, row in zip(targets, rows, strict=True)
        for user_id in row["inspectors"]
    )
