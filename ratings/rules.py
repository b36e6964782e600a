"""Rules of the pharmacy credit evaluation (医保信用千分制评定, Shangyu seed) kept as data.

Grade bands and their supervision consequences are set per region (RatingScheme in the admin); these
are the defaults used where a region and the regions above it have set none.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from organisation.models import Agency
from organisation.roles import Role

# 千分制: every pharmacy starts the evaluation year with 1,000 points; deductions come off it.
TOTAL_POINTS = 1000

# Seed 003 (联合奖惩): "连续3年信用评价较差的药店,将被终止医保协议关系" — the default run of poor years.
DEFAULT_POOR_YEARS_FOR_TERMINATION = 3

GRADES = ("A", "B", "C", "D", "E")


@dataclass(frozen=True)
class Band:
    grade: str
    min_score: int
    poor: bool
    inspection_frequency: str
    consequence: str


# Seed 003 (医保内实行分级管理): B and above — fewer inspections and inspection items; D and below — more
# frequent inspections and items, key supervision (重点检查、专项抽查、飞行检查); poor ones joint punishment.
DEFAULT_BANDS = (
    (
        "A",
        900,
        False,
        _("On-site inspection at most once every two years"),
        _(
            "Excellent: fewer inspections and inspection items; priority in fund allocation and budget; green channel "
            "for routine business and credit loans; in principle no on-site inspection by enforcement departments."
        ),
    ),
    (
        "B",
        800,
        False,
        _("Once a year"),
        _("Good: fewer inspections and inspection items; priority in fund allocation and budget."),
    ),
    ("C", 700, False, _("Twice a year (routine)"), _("Fair: routine supervision.")),
    (
        "D",
        600,
        True,
        _("Quarterly"),
        _(
            "Poor: key supervision — more frequent inspections and more inspection items (key, special and flying "
            "inspections); interview, warning or public notice as breaches warrant."
        ),
    ),
    (
        "E",
        0,
        True,
        _("Monthly"),
        _(
            "Very poor: key supervision and joint punishment — more frequent joint inspections; restrictions on credit "
            "loans, subsidies and awards; interview, warning or public notice."
        ),
    ),
)


def default_bands() -> list[Band]:
    return [Band(grade, floor, poor, str(freq), str(text)) for grade, floor, poor, freq, text in DEFAULT_BANDS]


def grade_for(score: int, bands: list[Band]) -> Band:
    """The band a score falls in: the first (highest) band whose floor it reaches."""
    for band in sorted(bands, key=lambda b: -b.min_score):
        if score >= band.min_score:
            return band
    return min(bands, key=lambda b: b.min_score)


# Who records deductions and repairs: the handling agency's agreement managers and the bureau's section
# heads and heads, of the pharmacy's region (or of the city above a county: 市级统筹). Auditors only read.
WRITER_ROLES = (Role.AGREEMENT_MANAGER, Role.SECTION_HEAD, Role.DIRECTOR)
WRITER_AGENCY_KINDS = (Agency.Kind.BUREAU, Agency.Kind.INSURANCE_AGENCY)
