"""Page: screen one person. The form follows an intake interview; the result updates as answers change."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

import streamlit as st
from babel import Locale

from ..engine import evaluate
from ..fields import DATE_FIELDS, YES_NO_FIELDS
from ..i18n import t
from ..model import PartialDate
from ..report.pdf import screening_pdf
from . import eoir_paste
from .common import as_of, determination_card, lang, normalizer, rules, sidebar, tr

COMMON_COUNTRIES = ["MX", "US", "HN", "GT", "SV", "NI", "CU", "VE", "EC", "CO", "PE", "BR", "HT", "DO"]
MIN_DATE, MAX_DATE = dt.date(1900, 1, 1), dt.date(2100, 12, 31)


def _countries(language: str) -> list[str]:
    names = Locale.parse(language).territories
    others = sorted(
        (c for c in names if len(c) == 2 and c.isalpha() and c not in COMMON_COUNTRIES and c not in {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}),
        key=lambda c: names[c],
    )
    return COMMON_COUNTRIES + others


def yes_no(field: str, key: str) -> str:
    """A yes / no / unknown question; "Unknown" is the default, never "No"."""
    language = lang()
    return st.radio(
        tr(f"field.{field}"),
        options=["unknown", "yes", "no"],
        format_func=lambda v: t(f"answer.{v}", language),
        horizontal=True,
        key=key,
        help=tr(f"help.{field}"),
    )


def country(field: str, key: str) -> str | None:
    names = Locale.parse(lang()).territories
    return st.selectbox(
        tr(f"field.{field}"),
        options=_countries(lang()),
        index=None,
        format_func=lambda code: names.get(code, code),
        placeholder=tr("ui.unknown_choose"),
        key=key,
        help=tr(f"help.{field}"),
    )


def partial_date(field: str, key: str) -> None:
    """A date known to the day, to the month, only as a year, or not at all (read by ``_date_value``)."""
    language = lang()
    mode = st.radio(
        tr(f"field.{field}"),
        options=["unknown", "day", "month", "year"],
        format_func=lambda v: t(f"ui.date.{v}", language),
        horizontal=True,
        key=f"{key}_mode",
        help=tr(f"help.{field}"),
    )
    if mode == "day":
        st.date_input(tr("ui.date.pick"), value=None, min_value=MIN_DATE, max_value=MAX_DATE, format="YYYY-MM-DD", key=f"{key}_day")
    elif mode == "month":
        left, right = st.columns(2)
        left.selectbox(
            tr("ui.date.month_label"), options=list(range(1, 13)), index=None, key=f"{key}_month",
            format_func=lambda m: _month_name(m, language), placeholder=tr("ui.unknown_choose"),
        )
        right.number_input(tr("ui.date.year_label"), min_value=1900, max_value=2100, value=None, step=1, key=f"{key}_month_year")
    elif mode == "year":
        st.number_input(tr("ui.date.year_label"), min_value=1900, max_value=2100, value=None, step=1, key=f"{key}_year")


def _date_value(key: str) -> PartialDate | None:
    """The date ``partial_date`` holds, from the session's widget state."""
    state = st.session_state
    mode = state.get(f"{key}_mode", "unknown")
    if mode == "day":
        day = state.get(f"{key}_day")
        return PartialDate.day(day) if day else None
    if mode == "month":
        month, year = state.get(f"{key}_month"), state.get(f"{key}_month_year")
        return PartialDate.month(int(year), int(month)) if month and year else None
    if mode == "year":
        year = state.get(f"{key}_year")
        return PartialDate.year(int(year)) if year else None
    return None


def _month_name(month: int, language: str) -> str:
    from babel.dates import get_month_names

    return get_month_names("wide", locale=language)[month].capitalize() if month else calendar.month_name[0]


def case_status(key: str) -> str | None:
    ruleset = rules()
    language = lang()
    return st.selectbox(
        tr("field.case_status"),
        options=ruleset.status_codes,
        index=None,
        format_func=lambda code: ruleset.status_label(code).get(language),
        placeholder=tr("ui.unknown_choose"),
        key=key,
        help=tr("help.case_status"),
    )


# Each field and the widget key that holds its answer, in the order of an intake interview.
ANSWER_KEYS = {
    "client_id": "p_client_id", "full_name": "p_full_name", "a_number": "p_a_number", "nationality": "p_nationality",
    "date_of_birth": "p_dob", "mpp_enrolled": "p_mpp_enrolled", "mpp_enrollment_date": "p_enrollment",
    "arrived_unaccompanied": "p_unaccompanied", "current_country": "p_current_country", "entered_us_since_mpp": "p_entered_us",
    "case_status": "p_case_status",
    "order_date": "p_order", "appeal_filed": "p_appeal_filed", "other_case_pending": "p_other_case", "notes": "p_notes",
    "eoir_text": eoir_paste.TEXT_KEY,
}


def _answers() -> dict[str, Any]:
    """The form's answers as canonical values, read from the session's widget state.

    Streamlit applies an answer to ``st.session_state`` before the page reruns, so the result can
    be computed (and sent to the browser) before the form is drawn again.
    """
    values: dict[str, Any] = {}
    for field, key in ANSWER_KEYS.items():
        if field in DATE_FIELDS:
            values[field] = _date_value(key)
        elif field in YES_NO_FIELDS:
            values[field] = st.session_state.get(key, "unknown")
        else:
            values[field] = st.session_state.get(key) or None
    return values


def _form() -> None:
    """The intake form, in the order an interview runs (answers are read by ``_answers``)."""
    keys = ANSWER_KEYS
    st.subheader(tr("ui.section.person"))
    left, right = st.columns(2)
    left.text_input(tr("field.client_id"), key=keys["client_id"], help=tr("help.client_id"))
    right.text_input(tr("field.full_name"), key=keys["full_name"], help=tr("help.full_name"))
    left.text_input(tr("field.a_number"), key=keys["a_number"], help=tr("help.a_number"))
    with right:
        country("nationality", keys["nationality"])
    partial_date("date_of_birth", keys["date_of_birth"])

    st.subheader(tr("ui.section.mpp"))
    yes_no("mpp_enrolled", keys["mpp_enrolled"])
    partial_date("mpp_enrollment_date", keys["mpp_enrollment_date"])
    yes_no("arrived_unaccompanied", keys["arrived_unaccompanied"])

    st.subheader(tr("ui.section.now"))
    country("current_country", keys["current_country"])
    yes_no("entered_us_since_mpp", keys["entered_us_since_mpp"])

    st.subheader(tr("ui.section.case"))
    eoir_paste.paste_box(keys)
    case_status(keys["case_status"])
    partial_date("order_date", keys["order_date"])
    yes_no("appeal_filed", keys["appeal_filed"])
    yes_no("other_case_pending", keys["other_case_pending"])
    st.text_area(tr("field.notes"), key=keys["notes"], help=tr("help.notes"))


def page() -> None:
    """Render the page."""
    sidebar()
    st.title(tr("ui.screen.title"))
    st.caption(tr("ui.screen.intro"))
    _form_and_result()


@st.fragment
def _form_and_result() -> None:
    """The form and its result. A fragment: an answer reruns only this, so the result updates faster."""
    ruleset = rules()
    values = _answers()
    record = normalizer().to_record(values)  # the one way every path builds a record
    det = evaluate(record, ruleset, as_of=as_of())
    form_column, result_column = st.columns([3, 2], gap="large")
    # The result is drawn first (it sits on the right): it reaches the browser before the form.
    with result_column:
        st.subheader(tr("ui.result"))
        determination_card(det, ruleset)
        language = lang()
        st.download_button(
            tr("ui.download_pdf"),
            data=lambda: screening_pdf(record, det, ruleset, language),
            file_name=f"screening-record-{as_of().isoformat()}.pdf",
            mime="application/pdf",
            key="download_pdf",
            on_click="ignore",
            icon=":material/picture_as_pdf:",
        )
    with form_column:
        _form()
