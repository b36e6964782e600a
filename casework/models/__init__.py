from casework.models.calendar import CalendarDay, HolidayCalendar
from casework.models.cases import (
    Case,
    CaseGroupObjectPermission,
    CaseTrack,
    CaseUserObjectPermission,
    Deadline,
)
from casework.models.evidence import CustodyTransfer, Evidence, Preservation
from casework.models.leads import Lead, LeadGroupObjectPermission, LeadUserObjectPermission
from casework.models.sanctions import CreditPoint, Suspension
from casework.models.subjects import Subject
from casework.models.taxonomy import ViolationItem
from casework.models.violations import Violation

__all__ = [
    "CalendarDay",
    "Case",
    "CaseGroupObjectPermission",
    "CaseTrack",
    "CaseUserObjectPermission",
    "CreditPoint",
    "CustodyTransfer",
    "Deadline",
    "Evidence",
    "HolidayCalendar",
    "Lead",
    "LeadGroupObjectPermission",
    "LeadUserObjectPermission",
    "Preservation",
    "Subject",
    "Suspension",
    "Violation",
    "ViolationItem",
]
