"""The canonical intake field names (``../shared/DOMAIN.md``). Light to import: the command line
builds its help from them before anything heavy has loaded."""

from __future__ import annotations

FIELDS: tuple[str, ...] = (
    "client_id",
    "full_name",
    "a_number",
    "date_of_birth",
    "nationality",
    "mpp_enrolled",
    "mpp_enrollment_date",
    "current_country",
    "entered_us_since_mpp",
    "case_status",
    "order_date",
    "appeal_filed",
    "other_case_pending",
    "notes",
)
"""The canonical intake fields, in the order of an intake interview."""

YES_NO_FIELDS = ("mpp_enrolled", "entered_us_since_mpp", "appeal_filed", "other_case_pending")
DATE_FIELDS = ("date_of_birth", "mpp_enrollment_date", "order_date")
COUNTRY_FIELDS = ("nationality", "current_country")
TEXT_FIELDS = ("client_id", "full_name", "notes")
IDENTIFYING_FIELDS = ("full_name", "a_number", "date_of_birth", "notes")
"""Fields left out of a report meant for sharing (free-text notes can name people too)."""
