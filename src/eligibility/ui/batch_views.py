"""What the batch page shows of a result: the outcome chart, the results table and the call list.

Everything a person reads is in the page's language: outcomes and element statuses in plain words,
column titles from the catalogues. The codes stay in their own column for machines (``determination``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from ..batch import OUTCOME_ORDER, BatchResult
from ..fields import NAME_FIELDS
from ..report.rows import FOLLOW_UP_KEYS, follow_up
from .common import PERSIST, lang, rules, tr

# One colour per outcome, each with at least 4.5:1 against the white page (labels sit beside the
# bars, never on them, so the bars need 3:1 only): the same meaning as the result boxes.
OUTCOME_COLOURS = {"likely_member": "#166534", "needs_review": "#1e40af", "needs_info": "#9a3412", "not_member": "#b42318"}
HIDDEN_COLUMNS = ("rules_version", "as_of")


def outcome_chart(result: BatchResult) -> None:
    """Rows per outcome: one bar per outcome, coloured by outcome, with its full label and count."""
    ruleset = rules()
    language = lang()
    counts = result.counts()
    labels = [ruleset.rules.outcomes[o].get(language) for o in OUTCOME_ORDER]
    frame = pd.DataFrame({"outcome": labels, "rows": [counts.get(o, 0) for o in OUTCOME_ORDER]})
    outcome, rows = tr("ui.batch.outcome"), tr("ui.batch.rows")
    base = alt.Chart(frame).encode(
        y=alt.Y("outcome:N", sort=labels, title=None, axis=alt.Axis(labelLimit=0, labelFontSize=14, labelColor="#1f2328")),
        x=alt.X("rows:Q", title=rows, axis=alt.Axis(tickMinStep=1, labelColor="#1f2328", titleColor="#1f2328")),
        tooltip=[alt.Tooltip("outcome:N", title=outcome), alt.Tooltip("rows:Q", title=rows)],
    )
    bars = base.mark_bar().encode(
        color=alt.Color("outcome:N", scale=alt.Scale(domain=labels, range=[OUTCOME_COLOURS[o] for o in OUTCOME_ORDER]), legend=None)
    )
    text = base.mark_text(align="left", dx=4, fontSize=14, color="#1f2328").encode(text="rows:Q")
    st.altair_chart((bars + text).properties(height=200, title=tr("ui.batch.chart_title")), width="stretch")


def _status_words(values: Sequence[str], language: str) -> list[str]:
    statuses = rules().rules.statuses
    return [statuses[v].get(language) if v in statuses else v for v in values]


def results_frame(result: BatchResult) -> pd.DataFrame:
    """The results as staff read them: the row, who, the result and each element in words, the
    reasons, questions and documents; the machine codes last."""
    table = result.table
    language = lang()
    ruleset = rules()
    data: dict[str, Any] = {tr("report.follow_up.row"): table.row_numbers}
    for field in ("client_id", *NAME_FIELDS):
        index = result.field_column(field)
        if index is not None:
            data[table.headers[index]] = table.values(index)
    data[tr("report.follow_up.result")] = result.values("result")
    for element_id in result.element_ids:
        element = ruleset.elements[element_id]
        data[f"{element.paragraph} {element.title.get(language)}"] = _status_words(result.values(element_id), language)
    for name in ("reasons", "next_questions", "bring_to_attorney", "recheck_on", "data_issues"):
        data[tr(f"ui.batch.column.{name}")] = result.values(name)
    data[tr("ui.batch.column.determination")] = result.values("determination")
    return pd.DataFrame(data)


def follow_up_choice(result: BatchResult, prefix: str) -> list[int]:
    """Staff choose upload columns to carry into the call list (a phone number, the advocate)."""
    read = {m.index for m in result.mapping if m.field in ("client_id", *NAME_FIELDS)}
    options = [i for i in range(len(result.table.headers)) if i not in read]
    headers = result.table.headers
    chosen = st.multiselect(
        tr("ui.batch.follow_up_columns"), options=options, format_func=lambda i: headers[i], key=f"{prefix}_follow_up_columns",
        placeholder=tr("ui.batch.follow_up_columns_placeholder"), persist_state=PERSIST,
    )
    st.caption(tr("ui.batch.follow_up_columns_help"))
    return list(chosen)


def follow_up_frame(result: BatchResult, extra: Sequence[int]) -> pd.DataFrame:
    """The call list, most urgent first (a re-check date, then more information, then review)."""
    rows = follow_up(result, extra=extra)
    labels = {k: tr(f"report.follow_up.{k}") for k in FOLLOW_UP_KEYS}
    labels["determination"] = tr("ui.batch.column.determination")
    order = ["row", "client_id", "name", "result", "recheck_on", "to_do"]
    extras = [result.table.headers[i] for i in extra]
    frame = pd.DataFrame([{k: row.get(k) for k in (*order, *extras, "determination")} for row in rows])
    return frame.rename(columns=labels)
