"""Roles (domain.md §1) and the object permissions each role holds on its agency's records.

A role is a Django group per agency (`<agency code>:<role>`); guardian grants object
permissions to those groups when a record is created, so membership changes take effect at once.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CLERK = "clerk", _("Intake clerk")
    INVESTIGATOR = "investigator", _("Investigator")
    SECTION_HEAD = "section_head", _("Section head")
    LEGAL_REVIEWER = "legal_reviewer", _("Legal reviewer")
    DIRECTOR = "director", _("Agency head")
    AGREEMENT_MANAGER = "agreement_manager", _("Agreement manager")
    LIAISON = "liaison", _("Partner liaison")
    REWARD_HANDLER = "reward_handler", _("Reward handler")
    FINANCE = "finance", _("Finance officer")
    RECOVERY_OFFICER = "recovery_officer", _("Asset-recovery officer")
    AUDITOR = "auditor", _("Auditor (read-only)")
    SCREENING_SERVICE = "screening_service", _("Screening service account")


# Object permissions granted on a record to the owning agency's role groups.
OWNER_OBJECT_PERMS: dict[str, dict[str, tuple[str, ...]]] = {
    "casework.lead": {
        Role.CLERK: ("view_lead", "change_lead", "view_reporter_identity"),
        Role.INVESTIGATOR: ("view_lead",),
        Role.SECTION_HEAD: ("view_lead", "change_lead", "triage_lead"),
        Role.LEGAL_REVIEWER: ("view_lead",),
        Role.DIRECTOR: ("view_lead", "triage_lead"),
        Role.REWARD_HANDLER: ("view_lead", "view_reporter_identity"),
    },
    "casework.case": {
        Role.CLERK: ("view_case",),
        Role.INVESTIGATOR: ("view_case", "change_case"),
        Role.SECTION_HEAD: ("view_case", "change_case", "decide_case"),
        Role.LEGAL_REVIEWER: ("view_case",),
        Role.DIRECTOR: ("view_case", "change_case", "decide_case"),
        Role.REWARD_HANDLER: ("view_case",),
        Role.RECOVERY_OFFICER: ("view_case",),
        Role.FINANCE: ("view_case",),
    },
    "agreements.agreementaction": {
        Role.AGREEMENT_MANAGER: ("view_agreementaction", "change_agreementaction"),
        Role.DIRECTOR: ("view_agreementaction", "change_agreementaction"),
    },
    "penalties.penalty": {
        Role.INVESTIGATOR: ("view_penalty", "change_penalty"),
        Role.SECTION_HEAD: ("view_penalty", "change_penalty", "decide_penalty"),
        Role.LEGAL_REVIEWER: ("view_penalty", "review_penalty"),
        Role.DIRECTOR: ("view_penalty", "decide_penalty", "discuss_penalty"),
        Role.FINANCE: ("view_penalty",),
        Role.RECOVERY_OFFICER: ("view_penalty",),
    },
    # 举报奖励: reward handlers run it and read the claimant; section heads approve, the head decides
    # collectively; finance pays and alone (with the handlers) sees the bank details.
    "rewards.reward": {
        Role.REWARD_HANDLER: ("view_reward", "change_reward"),
        Role.SECTION_HEAD: ("view_reward", "approve_reward"),
        Role.DIRECTOR: ("view_reward", "approve_reward", "decide_reward_collectively"),
        Role.FINANCE: ("view_reward", "pay_reward", "view_reward_payment"),
    },
    # The sending bureau's side of a referral; the receiving agency's liaisons get theirs when it is sent
    # (referrals.access.grant_receiver_access), and lose them when it is forwarded.
    "referrals.referral": {
        Role.INVESTIGATOR: ("view_referral", "change_referral"),
        Role.SECTION_HEAD: ("view_referral", "change_referral"),
        Role.DIRECTOR: ("view_referral", "change_referral", "approve_referral"),
        Role.LEGAL_REVIEWER: ("view_referral",),
    },
    "recoveries.recovery": {
        Role.RECOVERY_OFFICER: ("view_recovery", "change_recovery", "record_recovery"),
        Role.DIRECTOR: ("view_recovery",),
        Role.SECTION_HEAD: ("view_recovery",),
        Role.FINANCE: ("view_recovery",),
    },
}

# Auditors of the record's region and of every superior region read, never act.
AUDITOR_OBJECT_PERMS: dict[str, tuple[str, ...]] = {
    "casework.lead": ("view_lead",),
    "casework.case": ("view_case",),
    "agreements.agreementaction": ("view_agreementaction",),
    "penalties.penalty": ("view_penalty",),
    "referrals.referral": ("view_referral",),
    "recoveries.recovery": ("view_recovery",),
    "rewards.reward": ("view_reward",),
}


def object_perms_of(role: str, label: str) -> tuple[str, ...]:
    """The object permissions a role group holds on a record of model label it may access."""
    if role == Role.AUDITOR:
        return AUDITOR_OBJECT_PERMS[label]
    return OWNER_OBJECT_PERMS[label].get(role, ())


# Model-level permissions a role holds in its own agency (creating records, reference data).
ROLE_GLOBAL_PERMS: dict[str, tuple[str, ...]] = {
    Role.CLERK: ("casework.add_lead",),
    Role.SECTION_HEAD: ("casework.add_lead",),
    # ledgers.add_obligation counts only for the holder's own agency: the handling agency's head finalises 协议处理.
    Role.DIRECTOR: ("casework.add_lead", "ledgers.add_obligation"),
    Role.INVESTIGATOR: ("casework.add_lead",),
    Role.SCREENING_SERVICE: ("intake.submit_screen_hits",),
    Role.FINANCE: ("ledgers.add_payment",),
    Role.RECOVERY_OFFICER: ("ledgers.add_payment",),
    # 协议处理: the handling agency records 追回 and 违约金 it imposes under the service agreement.
    Role.AGREEMENT_MANAGER: ("ledgers.add_obligation",),
}
