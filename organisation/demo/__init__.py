"""The demo installation (api.md "Demo installation"): regions, agencies, users, subjects, leads and cases.

Idempotent. Regions, agencies, users, roles and passwords are re-ensured on every run; missing
subjects are created; a city's leads are created only while its bureau has none, so a second run
changes nothing. Leads go through the triage flow (triage_start / triage_decide) so permissions,
deadlines and documents are made as in real use; decisions are dated a few working days after
receipt, so some cases are already past their penalty-decision deadline. All data is fictional
and deterministic.
"""
