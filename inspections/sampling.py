"""The random draw of an inspection plan, as a pure function of its record (no database).

Algorithm "stratified-es-1" — anyone can re-implement it from this description:

1. The population is the list of {"id", "code", "stratum", "category", "weight"} stored in the record,
   sorted by (stratum, code). The random generator is Python's random.Random(seed) (Mersenne Twister,
   seeded with the seed string).
2. Each member, in that order, takes one u = rng.random() and the key u ** (1 / weight) (Efraimidis–
   Spirakis weighted sampling without replacement: a member of weight 2 is about twice as likely to be drawn).
3. Representation: in every stratum (kind : level : ownership) the member with the largest key is drawn;
   then, for every type (category) not yet represented, the member of that type with the largest key.
4. Size: max(ceil(percent × N / 100), minimum), never more than N, never fewer than the members of step 3.
   The remaining places go to the other members by descending key.
5. Targets are listed by (stratum, code). Inspectors: for each target in that order, the inspectors in the
   pool (sorted by id) without a conflict with the target's subject; two are taken with rng.sample.

Review imports ("review-pairs-1", inspections.review): the targets a plan imports later get their pairs by
step 5 alone, over the targets listed in the import's record, with random.Random(record["seed"]).

Credit weights (domain: Shangyu, B and above checked less, D and below more): grade D or E → 2.0;
A or B → 0.5; C, or no evaluation → 1.0.
"""

import math
import random
from decimal import Decimal

ALGORITHM_VERSION = "stratified-es-1"
# Pairs for the review targets a plan imports later (inspections.review): step 5 alone, seeded per import.
IMPORT_PAIRS_VERSION = "review-pairs-1"
PAIR_SIZE = 2
GRADE_WEIGHTS = {"A": 0.5, "B": 0.5, "C": 1.0, "D": 2.0, "E": 2.0}


class DrawError(ValueError):
    """The record cannot give a draw; field names the input at fault (population, pool, ...)."""

    def __init__(self, field: str, message: str, subject_code: str = ""):
        super().__init__(message)
        self.field = field
        self.message = message
        self.subject_code = subject_code


def weight_for(grade: str | None) -> float:
    return GRADE_WEIGHTS.get(grade or "", 1.0)


def sample_size(*, percent: Decimal, minimum: int, population: int) -> int:
    """max(ceil(percent × N / 100), minimum), capped at N (e.g. 10 % of 20 with a minimum of 10 → 10)."""
    wanted = max(math.ceil(Decimal(percent) * population / 100), minimum)
    return min(wanted, population)


def draw(record: dict) -> list[dict]:
    """The targets of a draw record: [{"subject": id, "stratum": key, "inspectors": [user id, user id]}]."""
    if record.get("algorithm_version") != ALGORITHM_VERSION:
        raise DrawError("algorithm_version", f"Unknown algorithm version {record.get('algorithm_version')!r}.")
    population = sorted(record["population"], key=lambda m: (m["stratum"], m["code"]))
    if not population:
        raise DrawError("population", "The plan's scope holds no subject to inspect.")
    rng = random.Random(str(record["seed"]))
    keys = {m["id"]: rng.random() ** (1.0 / m["weight"]) for m in population}
    by_key = sorted(population, key=lambda m: (-keys[m["id"]], m["stratum"], m["code"]))

    chosen: dict[int, dict] = {}
    for member in by_key:  # the best of each stratum
        if all(c["stratum"] != member["stratum"] for c in chosen.values()):
            chosen[member["id"]] = member
    covered = {c["category"] for c in chosen.values()}
    for member in by_key:  # then the best of each type not yet covered
        if member["category"] not in covered:
            chosen[member["id"]] = member
            covered.add(member["category"])
    size = max(
        sample_size(percent=Decimal(record["percent"]), minimum=record["minimum"], population=len(population)),
        len(chosen),
    )
    for member in by_key:
        if len(chosen) >= size:
            break
        chosen.setdefault(member["id"], member)

    targets = sorted(chosen.values(), key=lambda m: (m["stratum"], m["code"]))
    pairs = draw_pairs(rng, targets, pool=record["pool"], conflicts=record.get("conflicts", []))
    return [
        {"subject": member["id"], "stratum": member["stratum"], "inspectors": pair}
        for member, pair in zip(targets, pairs, strict=True)
    ]


def draw_pairs(rng: random.Random, targets: list[dict], *, pool: list[int], conflicts: list) -> list[list[int]]:
    """Step 5: a pair for each target ({"id", "code"}) in the order given, from rng's current state."""
    pool = sorted(pool)
    excluded = {(user, subject) for user, subject in conflicts}
    pairs = []
    for member in targets:
        eligible = [user for user in pool if (user, member["id"]) not in excluded]
        if len(eligible) < PAIR_SIZE:
            raise DrawError(
                "inspectors",
                f"Fewer than two inspectors without a conflict of interest are left for {member['code']}.",
                member["code"],
            )
        pairs.append(rng.sample(eligible, PAIR_SIZE))
    return pairs


def import_pairs(record: dict) -> list[list[int]]:
    """The pairs of a review import's record ("review-pairs-1"): step 5 over its targets, in the order listed,
    with random.Random(record["seed"]). Re-running it on the stored record gives the stored pairs."""
    if record.get("pairs_version") != IMPORT_PAIRS_VERSION:
        raise DrawError("pairs_version", f"Unknown pairing version {record.get('pairs_version')!r}.")
    targets = [{"id": t["subject"], "code": t["code"]} for t in record["targets"]]
    return draw_pairs(random.Random(str(record["seed"])), targets, pool=record["pool"], conflicts=record["conflicts"])
