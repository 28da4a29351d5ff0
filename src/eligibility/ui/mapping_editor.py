"""The column mapping as staff check it: one row per column of the sheet, all of them on the page.

Each row shows the column's header and a few of its values, one drop-down with the field it is
read as (in plain words, in the page's language), how sure the match is and how it was made. A
change is one choice in one drop-down; the row then says "your choice", and a field given to one
column is taken from any other (``mapping.apply_overrides``), which the page shows at once.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import streamlit as st

from ..cells import cell_text, is_blank
from ..errors import EligibilityError
from ..fields import COLUMN_FIELDS
from ..mapping import ColumnMatch, apply_overrides
from ..read import Table
from .common import lang, literal, shown, tr

NOT_READ = ""
SAMPLE_VALUES = 3
SAMPLE_CHARS = 40
SAMPLE_ROWS = 200


def field_label(field: str | None, language: str) -> str:
    """A field as staff read it ("Date of the removal order"), or "Not read (kept in the report)"."""
    from ..i18n import t

    return t(f"field.{field}", language) if field else t("ui.mapping.not_read", language)


def _samples(table: Table, index: int) -> str:
    """A few distinct values of a column, cut short, to tell staff what the column holds."""
    seen: list[str] = []
    for value in table.values(index)[:SAMPLE_ROWS]:
        if is_blank(value):
            continue
        text = " ".join(cell_text(value).split())
        text = text if len(text) <= SAMPLE_CHARS else text[: SAMPLE_CHARS - 1] + "…"
        if text not in seen:
            seen.append(text)
        if len(seen) == SAMPLE_VALUES:
            break
    return ", ".join(f"“{s}”" for s in seen)


def _changed(state: MutableMapping[str, Any], key: str, header: str) -> None:
    """A drop-down changed: record the choice for that column (the field leaves any other column)."""
    overrides = state.setdefault("overrides", {})
    field = st.session_state[key] or None
    for other, chosen in overrides.items():
        if field is not None and chosen == field and other != header:
            overrides[other] = None
    overrides[header] = field


def mapping_editor(table: Table, suggested: list[ColumnMatch], state: MutableMapping[str, Any], prefix: str) -> list[ColumnMatch] | None:
    """Show the mapping and return it as staff set it (None when it cannot be applied).

    ``state``: the page's per-file state, which keeps staff's choices; ``prefix``: a key prefix
    unique to the file, so a new file starts from its own suggestions.
    """
    language = lang()
    overrides: dict[str, str | None] = state.setdefault("overrides", {})
    try:
        matches = apply_overrides(suggested, overrides) if overrides else list(suggested)
    except EligibilityError as error:
        st.error(shown(error), icon=":material/error:")
        return None
    widths = [4, 4, 1.2, 1.8]
    head = st.columns(widths, vertical_alignment="bottom")
    for column, key in zip(head, ("col_column", "col_field", "col_confidence", "col_how"), strict=True):
        column.markdown(f"**{tr(f'ui.batch.{key}')}**")
    options = [NOT_READ, *COLUMN_FIELDS]
    for match in matches:
        key = f"{prefix}_map_{match.index}"
        st.session_state[key] = match.field or NOT_READ  # what the mapping is now, after every choice
        row = st.columns(widths, vertical_alignment="center")
        samples = _samples(table, match.index)
        row[0].markdown(f"**{literal(match.header)}**" + (f"  \n{tr('ui.mapping.samples', values=samples)}" if samples else ""))
        row[1].selectbox(
            tr("ui.mapping.read_as", header=match.header), options=options, key=key, label_visibility="collapsed",
            format_func=lambda f: field_label(f, language), on_change=_changed, args=(state, key, match.header),
        )
        row[2].markdown(f"{match.confidence:.0%}" if match.field else "–")
        row[3].markdown(tr(f"ui.batch.how.{match.method}"))
    return matches
