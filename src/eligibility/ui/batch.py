"""Page: batch-check a spreadsheet. Upload, check the mapping, run, read the results, download reports."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from ..batch import OUTCOME_ORDER, BatchResult, date_columns, missing_fields, screen_table
from ..errors import EligibilityError
from ..i18n import t
from ..mapping import PROFILE_MAX_BYTES, ColumnMatch, apply_overrides, dump_profile, load_profile, suggest_mapping
from ..read import SUPPORTED_EXTENSIONS, Limits, Table, read_table
from ..report.csvfile import batch_csv
from ..report.workbook import batch_workbook
from ..runtime import paused_gc
from ..template import template_workbook
from . import caseload
from .batch_views import follow_up_choice, follow_up_frame, outcome_chart, results_frame
from .common import PERSIST, as_of, lang, normalizer, rules, shown, sidebar, tr
from .mapping_editor import mapping_editor

MAX_UPLOAD_MB = 50
APP_LIMITS = Limits(max_bytes=MAX_UPLOAD_MB * 1024 * 1024, max_rows=200_000, max_seconds=120)
STATE = "batch"  # everything this page keeps lives under st.session_state[STATE]
KEPT_UPLOAD = "batch_upload"  # the file staff uploaded, kept in this session's memory only
SAMPLE_DIR = Path(__file__).resolve().parents[3] / "sample_data"  # synthetic people only
SAMPLES = sorted(p for p in SAMPLE_DIR.glob("*") if p.suffix in (".csv", ".xlsx")) if SAMPLE_DIR.is_dir() else []


def _state() -> dict[str, Any]:
    return st.session_state.setdefault(STATE, {})


def _error(error: EligibilityError) -> None:
    """One plain sentence, in the session's language (its file names and headers shown literally)."""
    st.error(shown(error), icon=":material/error:")


def _read(data: bytes, name: str, sheet: str | None, header_row: int | None) -> Table | None:
    try:
        return read_table(data, name, sheet=sheet, header_row=header_row, limits=APP_LIMITS)
    except EligibilityError as error:
        _error(error)
        return None


def _suggested(table: Table, profile: dict[str, str | None] | None) -> list[ColumnMatch]:
    """The suggested mapping, with a saved profile applied."""
    matches = suggest_mapping(table.headers)
    if profile:
        try:
            matches = apply_overrides(matches, {h: f for h, f in profile.items() if h in table.headers})
        except EligibilityError as error:
            _error(error)
    return matches


def _date_orders(table: Table, matches: list[ColumnMatch]) -> dict[str, str]:
    """Say how each date column's day/month order is settled, and ask where the file does not settle it."""
    orders: dict[str, str] = {}
    language = lang()
    for column in date_columns(table, matches):
        decision = column.decision
        if not decision.ambiguous:
            continue
        if decision.source == "column":
            st.info(
                tr("ui.batch.dates_settled", header=column.header, order=tr(f"ui.batch.order.{decision.order}"),
                   values=", ".join(decision.deciding), count=decision.ambiguous),
                icon=":material/calendar_month:",
            )
            continue
        st.warning(tr("ui.batch.ambiguous_dates", header=column.header, count=decision.ambiguous), icon=":material/calendar_month:")
        choice = st.radio(
            tr("ui.batch.date_order", header=column.header),
            options=["auto", "mdy", "dmy"],
            format_func=lambda v: t(f"ui.batch.order.{v}", language),
            horizontal=True,
            key=f"order_{column.field}",
        )
        if choice != "auto":
            orders[column.field] = choice
    return orders


def _results(result: BatchResult, prefix: str) -> None:
    result = caseload.prepared(result, _state(), APP_LIMITS)  # caseload: entered decisions and the comparison feed the downloads
    ruleset = rules()
    language = lang()
    counts = result.counts()
    st.header(tr("ui.batch.results", rows=len(result), as_of=result.as_of.isoformat()), anchor=False)
    metrics = st.columns(4)
    for column, outcome in zip(metrics, OUTCOME_ORDER, strict=True):
        column.metric(ruleset.rules.outcomes[outcome].get(language), counts.get(outcome, 0))
    outcome_chart(result)
    extra = follow_up_choice(result, prefix)

    unread = [m.header for m in result.mapping if m.field is None]
    if unread:  # before any download: what the full report carries as it is, and the shared one does not
        st.warning(tr("ui.batch.unread_columns", columns=", ".join(unread)), icon=":material/visibility:")
    downloads = st.columns(4)
    stem = result.table.source.rsplit(".", 1)[0]
    downloads[0].download_button(
        tr("ui.batch.download_xlsx"), data=lambda: _built(batch_workbook, result, ruleset, follow_up_columns=extra),
        file_name=f"{stem}-screening.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="download_xlsx", on_click="ignore", type="primary",
    )
    downloads[1].download_button(
        tr("ui.batch.download_csv"), data=lambda: batch_csv(result), file_name=f"{stem}-screening.csv", mime="text/csv",
        key="download_csv", on_click="ignore",
    )
    downloads[2].download_button(
        tr("ui.batch.download_shared"), data=lambda: _built(batch_workbook, result, ruleset, redact=True),
        file_name=f"{stem}-screening-for-sharing.xlsx", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="download_shared", on_click="ignore",
    )
    downloads[2].caption(tr("ui.batch.download_shared_help"))
    downloads[3].download_button(
        tr("ui.batch.download_profile"), data=lambda: dump_profile(result.mapping, stem), file_name=f"{stem}-mapping.yaml",
        mime="text/yaml", key="download_profile", on_click="ignore",
    )
    downloads[3].caption(tr("ui.batch.download_profile_help"))

    results_tab, follow_tab, issues_tab = st.tabs(
        [tr("ui.batch.tab_results"), tr("ui.batch.tab_follow_up"), tr("ui.batch.tab_issues", count=len(result.issues))]
    )
    with results_tab:
        options = ["all", *OUTCOME_ORDER]
        chosen = st.selectbox(
            tr("ui.batch.filter"), options=options, key="results_filter",
            format_func=lambda o: t("ui.batch.all", language) if o == "all" else ruleset.rules.outcomes[o].get(language),
        )
        frame = results_frame(result)
        if chosen != "all":
            frame = frame[frame[tr("ui.batch.column.determination")] == chosen]
        caseload.results_table(frame, result, _state())  # caseload: the decision columns are editable
    with follow_tab:
        follow = follow_up_frame(result, extra)
        if len(follow):
            st.caption(tr("ui.batch.follow_up_order"))
            st.dataframe(follow, hide_index=True, width="stretch")
        else:
            st.info(tr("ui.batch.no_follow_up"))
    with issues_tab:
        if result.issues:
            st.dataframe(
                pd.DataFrame(
                    {
                        tr("report.issues.row"): [i.row for i in result.issues],
                        tr("report.issues.column"): [i.column for i in result.issues],
                        tr("report.issues.value"): [i.value for i in result.issues],
                        tr("report.issues.message"): [i.message.text(language) for i in result.issues],
                    }
                ),
                hide_index=True, width="stretch",
            )
        else:
            st.info(tr("ui.batch.no_issues"))
    caseload.section(result, _state())  # caseload: re-check calendar, compare with an earlier report


def _built(writer: Any, *args: Any, **kwargs: Any) -> bytes:
    """Build a report with the garbage collector paused (see runtime.paused_gc)."""
    with paused_gc():
        return writer(*args, **kwargs)


def page() -> None:
    """Render the page."""
    sidebar()
    st.title(tr("ui.batch.title"), anchor=False)
    st.caption(tr("ui.batch.intro", mb=MAX_UPLOAD_MB, rows=f"{APP_LIMITS.max_rows:,}"))
    upload = st.file_uploader(
        tr("ui.batch.upload"), type=[e.lstrip(".") for e in SUPPORTED_EXTENSIONS], key="upload", on_change=_upload_changed,
    )
    st.caption(tr("ui.batch.upload_help"))
    if upload is None and st.session_state.get(KEPT_UPLOAD) is not None:  # back from another page
        upload = st.session_state[KEPT_UPLOAD]
        st.info(tr("ui.batch.kept_upload", name=upload.name), icon=":material/description:")
        st.button(tr("ui.batch.other_file"), key="other_file", on_click=_forget_upload)
    profile_upload = st.file_uploader(tr("ui.batch.profile_upload"), type=["yaml", "yml", "json"], key="profile_upload")
    state = _state()
    if upload is not None:
        if "\0" in upload.name or "\ufffd" in upload.name:  # the server turns a NUL into U+FFFD (ui/server.py)
            st.error(tr("ui.batch.bad_file_name"), icon=":material/error:")
            state.clear()
            return
        data, name = upload.getvalue(), upload.name
    else:
        st.info(tr("ui.batch.empty_state"), icon=":material/upload_file:")
        language = lang()
        st.download_button(
            tr("ui.batch.download_template"), data=lambda: template_workbook(language), file_name="intake-template.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="download_template", on_click="ignore",
            icon=":material/table_view:",
        )
        sample = st.selectbox(
            tr("ui.batch.sample"), options=[p.name for p in SAMPLES], index=None, key="sample",
            placeholder=tr("ui.batch.sample_placeholder"), persist_state=PERSIST,
        )
        st.caption(tr("ui.batch.sample_help"))
        if sample is None:
            state.clear()
            return
        data, name = (SAMPLE_DIR / sample).read_bytes(), sample
    digest = hashlib.sha256(data).hexdigest()
    if state.get("digest") != digest:
        state.clear()
        state["digest"] = digest
    profile = None
    if profile_upload is not None:  # parsed once per upload, kept in this session only
        raw = profile_upload.getvalue()
        key = hashlib.sha256(raw[: PROFILE_MAX_BYTES + 1]).hexdigest() + str(len(raw))
        if st.session_state.get("batch_profile", (None,))[0] != key:
            try:
                st.session_state["batch_profile"] = (key, load_profile(raw), None)
            except EligibilityError as error:
                st.session_state["batch_profile"] = (key, None, error)
        _, profile, failure = st.session_state["batch_profile"]
        if failure is not None:
            _error(failure)

    first = _read(data, name, None, None)
    if first is None:
        return
    sheet = None
    if len(first.sheets) > 1:
        sheet = st.selectbox(tr("ui.batch.sheet"), options=first.sheets, index=first.sheets.index(first.sheet), key="sheet")
    header_row = st.number_input(
        tr("ui.batch.header_row"), min_value=1, value=first.header_row if sheet in (None, first.sheet) else 1, step=1,
        key=f"header_row_{sheet}",
    )
    st.caption(tr("ui.batch.header_row_help"))
    table = first if (sheet in (None, first.sheet) and header_row == first.header_row) else _read(data, name, sheet, int(header_row))
    if table is None:
        return
    if table.sheet:
        st.caption(tr("ui.batch.read", rows=f"{len(table):,}", columns=len(table.headers), header_row=table.header_row, sheet=table.sheet))
    else:
        st.caption(tr("ui.batch.read_csv", rows=f"{len(table):,}", columns=len(table.headers), header_row=table.header_row))

    st.header(tr("ui.batch.mapping"), anchor=False)
    st.caption(tr("ui.batch.mapping_help"))
    matches = mapping_editor(table, _suggested(table, profile), state, prefix=digest[:12])
    if matches is None:
        return
    missing = missing_fields(matches, rules())
    if missing:
        st.warning(tr("ui.batch.missing", fields=", ".join(tr(f"field.{f}") for f in missing)), icon=":material/warning:")
    orders = _date_orders(table, matches)

    result = state.get("result")
    stale = result is not None and (result.lang != lang() or result.as_of != as_of())
    # A new language or screening date re-screens at once with the same mapping: no stale counts.
    if st.button(tr("ui.batch.run"), type="primary", key="run") or stale:
        result = _screen(table, matches, orders)
        if result is None:
            return
        state["result"] = result
    if result is not None:
        _results(result, digest[:12])


def _screen(table: Table, matches: list[ColumnMatch], orders: dict[str, str]) -> BatchResult | None:
    """Screen the table with a progress bar; None (with one plain sentence shown) when it cannot."""
    progress = st.progress(0, text=tr("ui.batch.progress_read"))
    progress.progress(30, text=tr("ui.batch.progress_screen", rows=len(table)))
    try:
        with paused_gc():
            result = screen_table(
                table, rules(), as_of=as_of(), mapping=matches, date_orders=orders, lang=lang(), normalizer=normalizer(),
                max_seconds=APP_LIMITS.max_seconds,
            )
    except EligibilityError as error:
        progress.empty()
        _error(error)
        return None
    progress.progress(100, text=tr("ui.batch.progress_done"))
    progress.empty()
    return result


def _upload_changed() -> None:
    """Staff chose or removed a file: keep it for this session (it outlives a visit to another page)."""
    st.session_state[KEPT_UPLOAD] = st.session_state.get("upload")


def _forget_upload() -> None:
    st.session_state[KEPT_UPLOAD] = None
    _state().clear()
