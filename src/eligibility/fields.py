"""The canonical intake field names (``../shared/DOMAIN.md``). Light to import: the command line
builds its help from them before anything heavy has loaded."""

from __future__ import annotations

FIELDS: tuple[str, ...] = (
    "client_id",
    "full_name",
    "first_name",
    "middle_name",
    "last_name",
    "a_number",
    "date_of_birth",
    "nationality",
    "mpp_enrolled",
    "mpp_enrollment_date",
    "arrived_unaccompanied",
    "current_country",
    "entered_us_since_mpp",
    "case_status",
    "order_date",
    "appeal_filed",
    "other_case_pending",
    "eoir_text",
    "notes",
)
"""The canonical intake fields, in the order of an intake interview. ``first_name``,
``middle_name`` and ``last_name`` hold a name split over several columns (case-management exports).
``eoir_text`` is text pasted from EOIR's case portal: it is read into the case fields it settles
(``PORTAL_FIELDS``), filling only what the other fields leave blank."""

YES_NO_FIELDS = ("mpp_enrolled", "arrived_unaccompanied", "entered_us_since_mpp", "appeal_filed", "other_case_pending")
DATE_FIELDS = ("date_of_birth", "mpp_enrollment_date", "order_date")
COUNTRY_FIELDS = ("nationality", "current_country")
NAME_FIELDS = ("full_name", "first_name", "middle_name", "last_name")
TEXT_FIELDS = ("client_id", *NAME_FIELDS, "notes")
PORTAL_FIELDS = ("case_status", "order_date", "appeal_filed", "other_case_pending")
"""The fields text from EOIR's case portal can settle."""
IDENTIFYING_FIELDS = (*NAME_FIELDS, "a_number", "date_of_birth", "notes", "eoir_text")
"""Fields that identify a person (free-text notes and the portal's page, which names the person,
too). A report for sharing is built from an allow-list and carries none of these, nor any other
column of the upload."""
DECISION_FIELDS = ("attorney_decision", "decision_note", "decided_by", "decided_on")
"""An attorney's decision on a row, as staff fill it in the report (or map it from any sheet).
Kept as written and carried into every report; no element's facts name them, so the rules never
read them and they can never change a determination."""
DECISION_RESULTS = ("decision_category", "decision_stale", "decision_stale_reason")
"""What the tool adds beside a decision: the category it reads (member, not_member, more_info,
unreadable), whether it needs another look (yes / no / unknown) and why."""
DECISION_CATEGORIES = ("member", "not_member", "more_info")
COLUMN_FIELDS = (*FIELDS, *DECISION_FIELDS)
"""Every field a column can be mapped to: the intake fields and the decision columns."""
