"""Batch page, caseload pieces: attorney decisions entered in the results table, the re-check
calendar, and "Compare with an earlier report".

``ui/batch.py`` hooks these in with a few delimited lines: :func:`prepared` at the top of the
results (so every download carries the decisions and the comparison), :func:`results_table` in
place of the results table, :func:`section` below the tabs. Everything lives in the batch page's
own session state (cleared with a new upload); strings from files are shown as text in tables,
never as markdown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pandas as pd
import streamlit as st

from ..batch import BatchResult
from ..caseload import read_day
from ..compare import compare
from ..errors import EligibilityError
from ..fields import DECISION_CATEGORIES, DECISION_FIELDS, DECISION_RESULTS
from ..read import SUPPORTED_EXTENSIONS, Limits, read_table
from ..report.csvfile import write_csv
from ..report.icsfile import recheck_calendar
from ..report.rows import change_rows, change_summary, change_table
from ..runtime import paused_gc
from .common import lang, literal, normalizer, shown, tr

EARLIER_KEY = "earlier_upload"


def prepared(result: BatchResult, state: dict[str, Any], limits: Limits) -> BatchResult:
    """The result with the decisions entered in this session and the comparison with the earlier
    report uploaded here (both feed every download). ``limits``: the page's limits on an upload."""
    _keep_edits(result, state)
    changes = _changes(result, state, limits)
    edits = state.get("edits", 0)
    found = state.get("prepared")  # (screening, edits, comparison, prepared copy): objects kept, compared by identity
    if found is not None and found[0] is result and found[1] == edits and found[2] is changes:
        return found[3]  # the same copy as on the last run: what it has computed is kept
    entered = state.get("decisions")
    rows = frozenset(state.get("decided_here", ()))
    prepared = replace(result.with_decisions(entered, rows) if entered is not None else result, changes=changes)
    state["prepared"] = (result, edits, changes, prepared)
    return prepared


def _changes(result: BatchResult, state: dict[str, Any], limits: Limits) -> Any:
    """Compare with the earlier report uploaded in this session (once per upload and screening)."""
    upload = st.session_state.get(EARLIER_KEY)
    if upload is None:
        state.pop("changes", None)
        state.pop("compare_error", None)
        return None
    digest = upload.file_id  # one per upload
    found = state.get("changes")  # (upload, screening, comparison): the screening compared by identity
    if found is not None and found[0] == digest and found[1] is result:
        return found[2]
    try:
        with paused_gc():
            changes = compare(read_table(upload.getvalue(), upload.name, limits=limits), result, normalizer())
    except EligibilityError as error:
        state["changes"] = (digest, result, None)
        state["compare_error"] = error
        return None
    state["changes"] = (digest, result, changes)
    state.pop("compare_error", None)
    return changes


# ---------------------------------------------------------------------------------- decisions


def _labels() -> list[str]:
    return [tr(f"decision.{c}") for c in DECISION_CATEGORIES]


def results_table(frame: pd.DataFrame, result: BatchResult, state: dict[str, Any]) -> None:
    """The results table, with the decision columns editable (and nothing else)."""
    rows = frame.index.tolist()
    values = result.decision_values()
    check = result.decision_check
    shown = frame.copy()
    for name in DECISION_FIELDS:
        shown[name] = [_cell(values[name][i]) for i in rows]
    for name in DECISION_RESULTS:
        shown[name] = [check[name][i] for i in rows]
    options = list(dict.fromkeys([*_labels(), *(v for v in shown["attorney_decision"] if v)]))
    # One table per upload and filter: edits never carry over to another file's rows.
    key = f"decisions_{str(state.get('digest', ''))[:16]}_{st.session_state.get('results_filter', 'all')}"
    state["editor"] = (key, rows)  # which rows this table shows, for the edits read on the next run
    st.data_editor(
        shown,
        key=key,
        hide_index=True,
        width="stretch",
        height=420,
        disabled=[c for c in shown.columns if c not in DECISION_FIELDS],
        column_config={
            "attorney_decision": st.column_config.SelectboxColumn(
                tr("field.attorney_decision"), options=options, required=False, help=tr("ui.caseload.decisions_help"),
            ),
            "decision_note": st.column_config.TextColumn(tr("field.decision_note")),
            "decided_by": st.column_config.TextColumn(tr("field.decided_by")),
            "decided_on": st.column_config.TextColumn(tr("field.decided_on"), help="YYYY-MM-DD"),
        },
    )


def _cell(value: Any) -> str:
    """A decision cell as the editor shows it (text; a date as YYYY-MM-DD)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    day = read_day(value) if not isinstance(value, str) else None
    return day.isoformat() if day else str(value)


def _keep_edits(result: BatchResult, state: dict[str, Any]) -> None:
    """Keep the decisions edited in the results table for this session (they feed every download).

    The table's edits (positions in the rows it showed) are read at the start of each run, before
    anything is drawn, so the downloads of the same run already carry them; applying them again
    changes nothing.
    """
    key, rows = state.get("editor", (None, []))
    edits = (st.session_state.get(key) or {}).get("edited_rows") if key else None
    if not edits:
        return
    decisions = state.setdefault("decisions", {name: list(column) for name, column in result.decision_values().items()})
    here = state.setdefault("decided_here", set())
    before = ({n: list(v) for n, v in decisions.items()}, set(here))
    for position, changed in edits.items():
        if not 0 <= int(position) < len(rows):
            continue
        row = rows[int(position)]
        for name, value in changed.items():
            if name in DECISION_FIELDS:
                decisions[name][row] = value if value not in (None, "") else None
        here.add(row)
    if (decisions, here) != before:
        state["edits"] = state.get("edits", 0) + 1


# ---------------------------------------------------------------------------------- section


def section(result: BatchResult, state: dict[str, Any]) -> None:
    """Below the results: what the file carried, the decisions, the calendar, and the comparison."""
    stem = result.table.source.rsplit(".", 1)[0]
    earlier = result.earlier_values()
    if earlier:
        as_of = next((read_day(v) for v in earlier["as_of"] if read_day(v)), None)
        version = next((str(v) for v in earlier["rules_version"] if v), "")
        st.info(tr("ui.caseload.earlier_found", as_of=as_of or "-", version=version), icon=":material/history:")
    check = result.decision_check
    count = sum(1 for c in check["decision_category"] if c)
    if count:
        stale = check["decision_stale"]
        summary = tr("ui.caseload.decisions_summary", count=count, stale=stale.count("yes"), unknown=stale.count("unknown"),
                     unreadable=check["decision_category"].count("unreadable"))
        (st.warning if stale.count("yes") else st.info)(summary, icon=":material/gavel:")

    days = sorted(d for d in result.recheck if d)
    if days:
        st.caption(tr("ui.caseload.rechecks", count=len(days), first=days[0]))
        _download(
            tr("ui.caseload.download_calendar"), lambda: recheck_calendar(result), f"{stem}-recheck.ics", "text/calendar",
            "download_calendar", tr("ui.caseload.download_calendar_help"),
        )
    else:
        st.caption(tr("ui.caseload.no_recheck"))

    st.subheader(tr("ui.caseload.compare"))
    st.caption(tr("ui.caseload.compare_help"))
    st.file_uploader(tr("ui.caseload.compare_upload"), type=[e.lstrip(".") for e in SUPPORTED_EXTENSIONS], key=EARLIER_KEY)
    if st.session_state.get(EARLIER_KEY) is None:
        return
    if result.changes is None:
        if state.get("compare_error"):
            st.error(shown(state["compare_error"]), icon=":material/error:")
        return
    changes = result.changes
    counts = changes.counts()
    summary = literal(change_summary(changes, lang()))
    (st.info if counts["changed"] + counts["new"] + counts["gone"] + counts["ambiguous"] else st.success)(summary, icon=":material/compare_arrows:")
    rows = change_rows(result, False)
    if rows and any(counts[k] for k in ("changed", "new", "gone", "ambiguous")):
        st.dataframe(pd.DataFrame(rows).fillna("").astype(str), hide_index=True, width="stretch")
        _download(
            tr("ui.caseload.download_changes"),
            lambda: write_csv(*change_table(result, False)),
            f"{stem}-changes.csv", "text/csv", "download_changes", None,
        )
    else:
        st.caption(tr("ui.caseload.no_changes"))


def _download(label: str, data: Callable[[], Any], name: str, mime: str, key: str, help_text: str | None) -> None:
    """A download built only when pressed, like every other download of the page."""
    st.download_button(label, data=data, file_name=name, mime=mime, key=key, on_click="ignore", help=help_text)
