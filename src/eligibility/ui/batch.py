"""Page: batch-check a spreadsheet. Upload, check the mapping, run, read the results, download reports."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from ..batch import OUTCOME_ORDER, BatchResult, date_columns, missing_fields, screen_table
from ..errors import EligibilityError, InputFileError
from ..i18n import t
from ..mapping import PROFILE_MAX_BYTES, ColumnMatch, apply_overrides, dump_profile, load_profile, suggest_mapping
from ..model import FIELDS
from ..read import SUPPORTED_EXTENSIONS, Limits, Table, read_table
from ..report import batch_csv, batch_workbook
from ..runtime import paused_gc
from ..template import template_workbook
from .common import as_of, lang, normalizer, rules, sidebar, tr

MAX_UPLOAD_MB = 50
APP_LIMITS = Limits(max_bytes=MAX_UPLOAD_MB * 1024 * 1024, max_rows=200_000, max_seconds=120)
STATE = "batch"  # everything this page keeps lives under st.session_state[STATE]
SAMPLE_DIR = Path(__file__).resolve().parents[3] / "sample_data"  # synthetic people only
SAMPLES = sorted(p for p in SAMPLE_DIR.glob("*") if p.suffix in (".csv", ".xlsx")) if SAMPLE_DIR.is_dir() else []


def _state() -> dict[str, Any]:
    return st.session_state.setdefault(STATE, {})


def _error(error: EligibilityError) -> None:
    """One plain sentence, in the session's language."""
    st.error(error.sentence(lang()), icon=":material/error:")


def _read(data: bytes, name: str, sheet: str | None, header_row: int | None) -> Table | None:
    try:
        return read_table(data, name, sheet=sheet, header_row=header_row, limits=APP_LIMITS)
    except EligibilityError as error:
        _error(error)
        return None


def _mapping_editor(table: Table, profile: dict[str, str | None] | None) -> list[ColumnMatch] | None:
    matches = suggest_mapping(table.headers)
    if profile:
        try:
            matches = apply_overrides(matches, {h: f for h, f in profile.items() if h in table.headers})
        except EligibilityError as error:
            _error(error)
    frame = pd.DataFrame(
        {
            tr("ui.batch.col_column"): [m.header for m in matches],
            tr("ui.batch.col_field"): [m.field or "" for m in matches],
            tr("ui.batch.col_confidence"): [m.confidence for m in matches],
            tr("ui.batch.col_how"): [tr(f"ui.batch.how.{m.method}") for m in matches],
        }
    )
    edited = st.data_editor(
        frame,
        key="mapping_editor",
        hide_index=True,
        disabled=[tr("ui.batch.col_column"), tr("ui.batch.col_confidence"), tr("ui.batch.col_how")],
        column_config={
            tr("ui.batch.col_field"): st.column_config.SelectboxColumn(
                options=["", *FIELDS], help=tr("ui.batch.field_help"), required=False
            ),
            tr("ui.batch.col_confidence"): st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="percent"),
        },
        width="stretch",
    )
    chosen = {h: (f or None) for h, f in zip(edited[tr("ui.batch.col_column")], edited[tr("ui.batch.col_field")], strict=True)}
    changed = {h: f for h, f in chosen.items() if f != next(m.field for m in matches if m.header == h)}
    try:
        return apply_overrides(matches, changed) if changed else matches
    except EligibilityError as error:
        _error(error)
        return None


def _date_orders(table: Table, matches: list[ColumnMatch]) -> dict[str, str]:
    """Ask about date columns whose day/month order the file does not settle."""
    orders: dict[str, str] = {}
    language = lang()
    for column in date_columns(table, matches):
        if column.source not in ("assumed", "conflict"):
            continue
        st.warning(tr("ui.batch.ambiguous_dates", header=column.header, count=column.ambiguous_values), icon=":material/calendar_month:")
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


def _results(result: BatchResult) -> None:
    ruleset = rules()
    language = lang()
    counts = result.counts()
    st.subheader(tr("ui.batch.results", rows=len(result)))
    metrics = st.columns(4)
    for column, outcome in zip(metrics, OUTCOME_ORDER, strict=True):
        column.metric(ruleset.rules.outcomes[outcome].get(language), counts.get(outcome, 0))
    chart = pd.DataFrame(
        {
            tr("ui.batch.outcome"): [ruleset.rules.outcomes[o].get(language) for o in OUTCOME_ORDER],
            tr("ui.batch.rows"): [counts.get(o, 0) for o in OUTCOME_ORDER],
        }
    )
    st.bar_chart(chart, x=tr("ui.batch.outcome"), y=tr("ui.batch.rows"), horizontal=True, height=220, sort=False)

    downloads = st.columns(4)
    stem = result.table.source.rsplit(".", 1)[0]
    downloads[0].download_button(
        tr("ui.batch.download_xlsx"), data=lambda: _built(batch_workbook, result, ruleset), file_name=f"{stem}-screening.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="download_xlsx", on_click="ignore", type="primary",
    )
    downloads[1].download_button(
        tr("ui.batch.download_csv"), data=lambda: batch_csv(result), file_name=f"{stem}-screening.csv", mime="text/csv",
        key="download_csv", on_click="ignore",
    )
    downloads[2].download_button(
        tr("ui.batch.download_shared"), data=lambda: _built(batch_workbook, result, ruleset, redact=True),
        file_name=f"{stem}-screening-for-sharing.xlsx", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="download_shared", on_click="ignore", help=tr("ui.batch.download_shared_help"),
    )
    downloads[3].download_button(
        tr("ui.batch.download_profile"), data=lambda: dump_profile(result.mapping, stem), file_name=f"{stem}-mapping.yaml",
        mime="text/yaml", key="download_profile", on_click="ignore", help=tr("ui.batch.download_profile_help"),
    )

    results_tab, follow_tab, issues_tab = st.tabs(
        [tr("ui.batch.tab_results"), tr("ui.batch.tab_follow_up"), tr("ui.batch.tab_issues", count=len(result.issues))]
    )
    with results_tab:
        options = ["all", *OUTCOME_ORDER]
        chosen = st.selectbox(
            tr("ui.batch.filter"), options=options, key="results_filter",
            format_func=lambda o: t("ui.batch.all", language) if o == "all" else ruleset.rules.outcomes[o].get(language),
        )
        frame = _results_frame(result)
        if chosen != "all":
            frame = frame[frame["determination"] == chosen]
        st.dataframe(frame, hide_index=True, width="stretch", height=420)
    with follow_tab:
        follow_up = result.follow_up()
        if follow_up:
            rows = [i for i, _ in follow_up]
            todo = [text for _, text in follow_up]
            follow = {tr("report.follow_up.row"): [result.table.row_numbers[i] for i in rows]}
            for field, label in (("client_id", "report.follow_up.client_id"), ("full_name", "report.follow_up.name")):
                index = result.field_column(field)
                if index is not None:
                    values = result.table.values(index)
                    follow[tr(label)] = [values[i] for i in rows]
            follow[tr("report.follow_up.determination")] = [result.outcome[i] for i in rows]
            follow[tr("report.follow_up.to_do")] = todo
            st.dataframe(pd.DataFrame(follow), hide_index=True, width="stretch")
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


def _built(writer: Any, *args: Any, **kwargs: Any) -> bytes:
    """Build a report with the garbage collector paused (see runtime.paused_gc)."""
    with paused_gc():
        return writer(*args, **kwargs)


def _results_frame(result: BatchResult) -> pd.DataFrame:
    table = result.table
    data: dict[str, Any] = {tr("report.follow_up.row"): table.row_numbers}
    for field in ("client_id", "full_name"):
        index = result.field_column(field)
        if index is not None:
            data[table.headers[index]] = table.values(index)
    for name, values in result.added_columns().items():
        if name not in ("rules_version", "as_of"):
            data[name] = values.to_pylist()
    return pd.DataFrame(data)


def page() -> None:
    """Render the page."""
    sidebar()
    st.title(tr("ui.batch.title"))
    st.caption(tr("ui.batch.intro", mb=MAX_UPLOAD_MB, rows=f"{APP_LIMITS.max_rows:,}"))
    upload = st.file_uploader(
        tr("ui.batch.upload"), type=[e.lstrip(".") for e in SUPPORTED_EXTENSIONS], key="upload", help=tr("ui.batch.upload_help"),
    )
    profile_upload = st.file_uploader(tr("ui.batch.profile_upload"), type=["yaml", "yml", "json"], key="profile_upload")
    state = _state()
    if upload is not None:
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
            placeholder=tr("ui.batch.sample_placeholder"), help=tr("ui.batch.sample_help"),
        )
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
        key=f"header_row_{sheet}", help=tr("ui.batch.header_row_help"),
    )
    table = first if (sheet in (None, first.sheet) and header_row == first.header_row) else _read(data, name, sheet, int(header_row))
    if table is None:
        return
    if table.sheet:
        st.caption(tr("ui.batch.read", rows=f"{len(table):,}", columns=len(table.headers), header_row=table.header_row, sheet=table.sheet))
    else:
        st.caption(tr("ui.batch.read_csv", rows=f"{len(table):,}", columns=len(table.headers), header_row=table.header_row))

    st.subheader(tr("ui.batch.mapping"))
    st.caption(tr("ui.batch.mapping_help"))
    matches = _mapping_editor(table, profile)
    if matches is None:
        return
    missing = missing_fields(matches, rules())
    if missing:
        st.warning(tr("ui.batch.missing", fields=", ".join(tr(f"field.{f}") for f in missing)), icon=":material/warning:")
    orders = _date_orders(table, matches)

    if st.button(tr("ui.batch.run"), type="primary", key="run"):
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
            return
        progress.progress(90, text=tr("ui.batch.progress_summary"))
        state["result"] = result
        progress.progress(100, text=tr("ui.batch.progress_done"))
    result = state.get("result")
    if result is not None:
        if result.lang != lang() or result.as_of != as_of():
            st.info(tr("ui.batch.rerun_needed"), icon=":material/refresh:")
        _results(result)
