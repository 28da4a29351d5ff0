"""Page: screen one person. The form follows an intake interview; the result updates as answers change.

Every answer is a widget whose value lasts the whole session (``persist_state``), so staff can look
at another page and come back to the same interview. "Screen the next person" clears the answers and
keeps the language, the screening date and the screener's name.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable
from functools import cache
from typing import Any, NamedTuple

import streamlit as st
from babel import Locale
from babel.dates import get_month_names

from ..engine import evaluate
from ..fields import DATE_FIELDS, YES_NO_FIELDS
from ..i18n import t
from ..model import IntakeRecord, PartialDate
from ..normalize import Read
from ..report.pdf import screening_pdf
from ..text import country_name
from . import eoir_paste
from .common import ANSWER_PREFIX, PERSIST, as_of, determination_card, lang, normalizer, rules, sidebar, tr

COMMON_COUNTRIES = ["MX", "US", "HN", "GT", "SV", "NI", "CU", "VE", "EC", "CO", "PE", "BR", "HT", "DO"]
NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}
MIN_DATE, MAX_DATE = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
SCREENER_KEY = "screener"
"""The screener's name: printed on the record, kept for the next person (not an answer)."""
REFERENCE_KEY = "screening_ref"
"""This screening's reference (names the PDF when there is no client ID); new for each person."""

# Each field and the widget key that holds its answer, in the order of an intake interview.
ANSWER_KEYS = {
    "client_id": "p_client_id", "full_name": "p_full_name", "a_number": "p_a_number", "nationality": "p_nationality",
    "date_of_birth": "p_dob", "mpp_enrolled": "p_mpp_enrolled", "mpp_enrollment_date": "p_enrollment",
    "arrived_unaccompanied": "p_unaccompanied", "current_country": "p_current_country", "entered_us_since_mpp": "p_entered_us",
    "case_status": "p_case_status",
    "order_date": "p_order", "appeal_filed": "p_appeal_filed", "other_case_pending": "p_other_case", "notes": "p_notes",
    "eoir_text": eoir_paste.TEXT_KEY,
}
TEXT_ANSWERS = ("client_id", "full_name", "a_number", "notes", "eoir_text")


class Country(NamedTuple):
    """A country picked from the list: certain, so it is not read again (a typed text is read)."""

    code: str


# ------------------------------------------------------------------------------------ widgets


def _help(field: str) -> None:
    """The question's help, as visible text under it (a help icon adds a Tab stop and speaks English)."""
    st.caption(tr(f"help.{field}"))


def yes_no(field: str, key: str) -> None:
    """A yes / no / unknown question; "Unknown" is the default, never "No"."""
    language = lang()
    st.radio(
        tr(f"field.{field}"), options=["unknown", "yes", "no"], format_func=lambda v: t(f"answer.{v}", language),
        horizontal=True, key=key, persist_state=PERSIST,
    )
    _help(field)


@cache  # country names from babel, per language: no client data
def _countries(language: str) -> tuple[tuple[Country, ...], dict[str, str]]:
    """The list a country box offers (common countries first), and each code's name in ``language``."""
    names = Locale.parse(language).territories
    others = sorted(
        (c for c in names if len(c) == 2 and c.isalpha() and c not in COMMON_COUNTRIES and c not in NOT_COUNTRIES),
        key=lambda c: names[c],
    )
    return tuple(Country(c) for c in COMMON_COUNTRIES + others), dict(names)


def country(field: str, key: str) -> None:
    """A country: chosen from the list, or typed (a city, a name without accents, "outside the U.S.").

    What is typed is read by the same reader as a spreadsheet cell, and the page says how it was read.
    """
    language = lang()
    options, names = _countries(language)
    st.selectbox(
        tr(f"field.{field}"),
        options=options,
        index=None,
        format_func=lambda v: names.get(v.code, v.code) if isinstance(v, Country) else str(v),
        placeholder=tr("ui.country_placeholder"),
        accept_new_options=True,
        key=key,
        persist_state=PERSIST,
    )
    value = st.session_state.get(key)
    read = read_answer(field, value)
    if read.issue is not None:
        st.warning(read.issue.message.text(language) + " " + tr("ui.choose_country"), icon=":material/warning:")
    elif read.reading is not None and read.reading.reading is not None:
        st.markdown(tr("ui.read_as", text=read.reading.text, reading=read.reading.reading.get(language)))
    elif isinstance(value, str) and isinstance(read.value, str):  # a country's name, typed: say which
        st.markdown(tr("ui.read_as", text=value.strip(), reading=country_name(read.value, language)))
    _help(field)


def partial_date(field: str, key: str) -> None:
    """A date known to the day, to the month, only as a year, or not at all (read by ``_date_value``).

    Each part is named with its question ("Date of birth: month"), so a screen reader never hears
    two boxes called "Month".
    """
    language = lang()
    label = tr(f"field.{field}")
    mode = st.radio(
        label, options=["unknown", "day", "month", "year"], format_func=lambda v: t(f"ui.date.{v}", language),
        horizontal=True, key=f"{key}_mode", persist_state=PERSIST,
    )
    if mode == "day":
        st.date_input(tr("ui.date.day_of", field=label), value=None, min_value=MIN_DATE, max_value=MAX_DATE, format="YYYY-MM-DD",
                      key=f"{key}_day", persist_state=PERSIST)
    elif mode == "month":
        left, right = st.columns(2)
        left.selectbox(
            tr("ui.date.month_of", field=label), options=list(range(1, 13)), index=None, key=f"{key}_month",
            format_func=lambda m: _month_name(m, language), placeholder=tr("ui.unknown_choose"), persist_state=PERSIST,
        )
        right.number_input(tr("ui.date.year_of", field=label), min_value=1900, max_value=2100, value=None, step=1,
                           key=f"{key}_month_year", persist_state=PERSIST)
    elif mode == "year":
        st.number_input(tr("ui.date.year_of", field=label), min_value=1900, max_value=2100, value=None, step=1,
                        key=f"{key}_year", persist_state=PERSIST)
    _help(field)


def _month_name(month: int, language: str) -> str:
    return get_month_names("wide", locale=language)[month].capitalize()


def case_status(key: str) -> None:
    ruleset = rules()
    language = lang()
    st.selectbox(
        tr("field.case_status"), options=ruleset.status_codes, index=None,
        format_func=lambda code: ruleset.status_label(code).get(language), placeholder=tr("ui.unknown_choose"),
        key=key, persist_state=PERSIST,
    )
    _help("case_status")


# ------------------------------------------------------------------------------------ answers


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


def asked_when(field: str) -> frozenset[str] | None:
    """The case statuses for which the rules read ``field`` (None: asked whatever the status).

    From the rules: the kind reads the order date and the appeal answer only for some status rows;
    a row that refines one of them (an order in absentia refines a removal order) also needs a field
    that an exception of the element reads (an order date before the first return). Other
    questions cannot change the result and are not asked.
    """
    for element in rules().status_elements:
        only = element.reads_only_when().get(field)
        if only is None:
            continue
        statuses = set(only[1])
        if any(field in x.when.fields for x in element.exceptions):
            statuses |= {kind for plain, kinds in element.refinements.items() if plain in only[1] for kind in kinds}
        return frozenset(statuses)
    return None


def is_asked(field: str) -> bool:
    """Whether the form asks ``field`` now (a question that cannot matter for the chosen status is not)."""
    statuses = asked_when(field)
    return statuses is None or st.session_state.get(ANSWER_KEYS["case_status"]) in statuses


def read_answer(field: str, value: Any) -> Read:
    """One answer, read: a country picked from the list is that country; anything typed is read by
    the reader a spreadsheet cell goes through (``Normalizer.read``)."""
    if isinstance(value, Country):
        return Read(value.code)
    if isinstance(value, PartialDate):
        return Read(value)
    return normalizer().read(field, value)


def _answers() -> dict[str, Any]:
    """The form's answers, read from the session's widget state (only the questions the form asks now).

    Streamlit applies an answer to ``st.session_state`` before the page reruns, so the result can
    be computed (and sent to the browser) before the form is drawn again.
    """
    values: dict[str, Any] = {}
    for field, key in ANSWER_KEYS.items():
        if not is_asked(field):
            continue
        if field in DATE_FIELDS:
            values[field] = _date_value(key)
        elif field in YES_NO_FIELDS:
            values[field] = st.session_state.get(key, "unknown")
        else:
            values[field] = st.session_state.get(key) or None
    return values


def record_from_answers(values: dict[str, Any]) -> IntakeRecord:
    """The one way every path builds a record: each answer read, then ``Normalizer.record``."""
    return normalizer().record({field: read_answer(field, value) for field, value in values.items()})


def _new_reference() -> str:
    """A reference for this screening, printed on the record ("S-20261127-4F2A")."""
    return f"S-{dt.date.today():%Y%m%d}-{secrets.token_hex(2).upper()}"


def reference() -> str:
    return st.session_state.setdefault(REFERENCE_KEY, _new_reference())


def blank_answer(key: str) -> str | None:
    """What an answer widget holds before anything is entered: "" (text), "unknown" (a yes/no, a
    date's precision) or None (a drop-down, a date, a number)."""
    if key in (ANSWER_KEYS[f] for f in TEXT_ANSWERS):
        return ""
    if key.endswith("_mode") or key in (ANSWER_KEYS[f] for f in YES_NO_FIELDS):
        return "unknown"
    return None


def next_person() -> None:
    """Clear every answer; keep the language, the screening date and the screener.

    Each answer is set back to its blank value (not deleted): the browser still holds the old
    value of a widget and would send it back.
    """
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(ANSWER_PREFIX)]:
        st.session_state[key] = blank_answer(key)
    st.session_state[REFERENCE_KEY] = _new_reference()


def pdf_name(client_id: str | None, ref: str, when: dt.date) -> str:
    """The record's file name: the client ID (or the reference) and the date.

    >>> pdf_name("C-2024/17", "S-1", dt.date(2026, 11, 27))
    'screening-C-2024-17-2026-11-27.pdf'
    """
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", (client_id or "").strip()).strip("-._")[:40] or ref
    return f"screening-{stem}-{when.isoformat()}.pdf"


# ------------------------------------------------------------------------------------ the form


def _pair(first: Callable[[], None], second: Callable[[], None]) -> None:
    """Two questions side by side; each pair is its own row, so Tab goes left, right, then down."""
    left, right = st.columns(2)
    with left:
        first()
    with right:
        second()


def _text(field: str) -> Callable[[], None]:
    def draw() -> None:
        st.text_input(tr(f"field.{field}"), key=ANSWER_KEYS[field], persist_state=PERSIST)
        _help(field)

    return draw


def _form() -> None:
    """The intake form, in the order an interview runs (answers are read by ``_answers``)."""
    keys = ANSWER_KEYS
    st.text_input(tr("ui.screener"), key=SCREENER_KEY, persist_state=PERSIST)
    st.caption(tr("ui.screener_help"))

    st.header(tr("ui.section.person"), anchor=False)
    _pair(_text("client_id"), _text("full_name"))
    _pair(_text("a_number"), lambda: country("nationality", keys["nationality"]))
    partial_date("date_of_birth", keys["date_of_birth"])

    st.header(tr("ui.section.mpp"), anchor=False)
    yes_no("mpp_enrolled", keys["mpp_enrolled"])
    partial_date("mpp_enrollment_date", keys["mpp_enrollment_date"])
    yes_no("arrived_unaccompanied", keys["arrived_unaccompanied"])

    st.header(tr("ui.section.now"), anchor=False)
    country("current_country", keys["current_country"])
    yes_no("entered_us_since_mpp", keys["entered_us_since_mpp"])

    _case_section()


def _case_section() -> None:
    """4. The immigration court case. The order date and the appeal appear only for the statuses
    whose result they can change (``asked_when``)."""
    keys = ANSWER_KEYS
    st.header(tr("ui.section.case"), anchor=False)
    # Tools that fill this section's answers from a document (an EOIR case-portal paste box) go here.
    eoir_paste.paste_box(keys)
    case_status(keys["case_status"])
    if is_asked("order_date"):
        partial_date("order_date", keys["order_date"])
    if is_asked("appeal_filed"):
        yes_no("appeal_filed", keys["appeal_filed"])
    yes_no("other_case_pending", keys["other_case_pending"])
    st.text_area(tr("field.notes"), key=keys["notes"], persist_state=PERSIST)
    _help("notes")


def page() -> None:
    """Render the page."""
    sidebar()
    st.title(tr("ui.screen.title"), anchor=False)
    st.caption(tr("ui.screen.intro"))
    _form_and_result()


@st.fragment
def _form_and_result() -> None:
    """The form and its result. A fragment: an answer reruns only this, so the result updates faster.

    On a wide window the result sits on the right and stays in view while the form scrolls; on a
    phone the columns stack and the result follows the last section.
    """
    ruleset = rules()
    record = record_from_answers(_answers())
    det = evaluate(record, ruleset, as_of=as_of())
    form_column, result_column = st.columns([3, 2], gap="large")
    # The result is drawn first (it sits on the right): it reaches the browser before the form.
    with result_column, st.container(key="result_panel"):
        st.header(tr("ui.result"), anchor=False)
        # The actions come first: on a wide window the panel scrolls on its own, and its buttons
        # stay reachable at its top.
        language = lang()
        screener = (st.session_state.get(SCREENER_KEY) or "").strip()
        ref = reference()
        actions = st.container(horizontal=True)
        actions.download_button(
            tr("ui.download_pdf"),
            data=lambda: screening_pdf(record, det, ruleset, language, screener=screener, reference=ref),
            file_name=pdf_name(record.client_id, ref, det.as_of),
            mime="application/pdf",
            key="download_pdf",
            on_click="ignore",
            icon=":material/picture_as_pdf:",
        )
        actions.button(tr("ui.next_person"), key="next_person", on_click=next_person, icon=":material/person_add:")
        st.caption(tr("ui.next_person_help"))
        determination_card(det, ruleset)
    with form_column:
        _form()
