"""Page: screen one person. The form follows an intake interview; the result updates as answers change."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

import streamlit as st
from babel import Locale

from ..engine import evaluate
from ..model import IntakeRecord, PartialDate
from ..report import screening_pdf
from ..i18n import t
from .common import as_of, determination_card, lang, rules, sidebar, tr

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


def partial_date(field: str, key: str) -> PartialDate | None:
    """A date known to the day, to the month, only as a year, or not at all."""
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
        value = st.date_input(tr("ui.date.pick"), value=None, min_value=MIN_DATE, max_value=MAX_DATE, format="YYYY-MM-DD", key=f"{key}_day")
        return PartialDate.day(value) if value else None
    if mode == "month":
        left, right = st.columns(2)
        month = left.selectbox(
            tr("ui.date.month_label"), options=list(range(1, 13)), index=None, key=f"{key}_month",
            format_func=lambda m: _month_name(m, language), placeholder=tr("ui.unknown_choose"),
        )
        year = right.number_input(tr("ui.date.year_label"), min_value=1900, max_value=2100, value=None, step=1, key=f"{key}_month_year")
        return PartialDate.month(int(year), int(month)) if month and year else None
    if mode == "year":
        year = st.number_input(tr("ui.date.year_label"), min_value=1900, max_value=2100, value=None, step=1, key=f"{key}_year")
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
        options=list(ruleset.case_status.status_table),
        index=None,
        format_func=lambda code: t(f"status_value.{code}", language),
        placeholder=tr("ui.unknown_choose"),
        key=key,
        help=tr("help.case_status"),
    )


def _form() -> dict[str, Any]:
    """The intake form, in the order an interview runs. Returns canonical values."""
    values: dict[str, Any] = {}
    st.subheader(tr("ui.section.person"))
    left, right = st.columns(2)
    values["client_id"] = left.text_input(tr("field.client_id"), key="p_client_id", help=tr("help.client_id")) or None
    values["full_name"] = right.text_input(tr("field.full_name"), key="p_full_name", help=tr("help.full_name")) or None
    values["a_number"] = left.text_input(tr("field.a_number"), key="p_a_number", help=tr("help.a_number")) or None
    with right:
        values["nationality"] = country("nationality", "p_nationality")
    values["date_of_birth"] = partial_date("date_of_birth", "p_dob")

    st.subheader(tr("ui.section.mpp"))
    values["mpp_enrolled"] = yes_no("mpp_enrolled", "p_mpp_enrolled")
    values["mpp_enrollment_date"] = partial_date("mpp_enrollment_date", "p_enrollment")

    st.subheader(tr("ui.section.now"))
    values["current_country"] = country("current_country", "p_current_country")
    values["entered_us_since_mpp"] = yes_no("entered_us_since_mpp", "p_entered_us")

    st.subheader(tr("ui.section.case"))
    values["case_status"] = case_status("p_case_status")
    values["order_date"] = partial_date("order_date", "p_order")
    values["appeal_filed"] = yes_no("appeal_filed", "p_appeal_filed")
    values["other_case_pending"] = yes_no("other_case_pending", "p_other_case")
    values["notes"] = st.text_area(tr("field.notes"), key="p_notes", help=tr("help.notes")) or None
    return values


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
    form_column, result_column = st.columns([3, 2], gap="large")
    with form_column:
        values = _form()
    record = IntakeRecord(**{k: v for k, v in values.items() if v is not None})
    det = evaluate(record, ruleset, as_of=as_of())
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
