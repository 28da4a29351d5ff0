"""The form's "Paste from EOIR's case portal" box, in the case section of the one-person form.

Staff paste what the portal shows for the A-number; the box shows each answer the text gives
beside the sentence it came from, and "Use these answers" puts them in the form's fields (fields
the text does not settle stay as they were). The text used is kept with the form's answers as the
``eoir_text`` field, so the record is built from both by the one merge every path uses: where an
answer in the form disagrees with the text, or the text records several events the form's single
choice cannot hold, the result goes to attorney review, quoting both. Everything stays in this
browser session (``st.session_state``); nothing pasted is sent, logged or stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from ..eoir import PortalReading
from ..fields import PORTAL_FIELDS
from ..model import CaseStatus, PartialDate
from ..rules import RuleSet
from .common import lang, literal, normalizer, tr

PASTE_KEY = "p_eoir_paste"
"""The text area (a ``p_`` key, so the form keeps it while staff look at another page)."""
TEXT_KEY = "p_eoir_text"
"""The text whose answers staff used: the form's ``eoir_text`` answer."""
MAX_CHARS = 30_000
"""A whole result page is a few thousand characters; a spreadsheet cell holds at most 32,767."""


def paste_box(keys: Mapping[str, str]) -> None:
    """The paste box; ``keys`` are the form's widget keys by field (``ANSWER_KEYS``)."""
    with st.expander(tr("ui.eoir.title"), icon=":material/content_paste:"):
        st.caption(tr("ui.eoir.intro"))
        text = st.text_area(tr("ui.eoir.paste"), key=PASTE_KEY, help=tr("ui.eoir.paste_help"), height=160, max_chars=MAX_CHARS)
        if text and text.strip():
            reading = normalizer().portal.read_text(text)
            _show(reading)
            if reading.found:
                st.button(tr("ui.eoir.use"), key="eoir_use", on_click=_use, args=(text, dict(keys)), type="primary",
                          icon=":material/input:")
        if st.session_state.get(TEXT_KEY):
            st.info(tr("ui.eoir.in_use"), icon=":material/link:")
            st.button(tr("ui.eoir.forget"), key="eoir_forget", on_click=_forget)


def _show(reading: PortalReading) -> None:
    """Each answer the text gives, beside the sentences it rests on. Every piece of the pasted text
    is shown literally (``literal``; ``tr`` makes its parameters literal), never as markdown."""
    language = lang()
    found = reading.fields
    if not found:
        st.markdown(tr("ui.eoir.nothing"))
        return
    items = []
    for field in PORTAL_FIELDS:
        item = found.get(field)
        if item is None:
            continue
        reading_ = item.read.reading
        if reading_ is not None and reading_.reading is not None:
            value = literal(reading_.reading.get(language))
        else:
            value = tr("ui.eoir.not_read", why=reading_.why.get(language) if reading_ is not None and reading_.why else "")
        line = f"- **{tr(f'field.{field}')}:** {value}"
        for sentence in item.sentences:
            line += f"  \n  :gray[{tr('ui.eoir.from', text=' '.join(sentence.split()))}]"
        if field == "case_status" and isinstance(item.read.value, CaseStatus) and len(item.read.value.codes) > 1:
            line += f"  \n  {tr('ui.eoir.several')}"
        items.append(line)
    text = f"**{tr('ui.eoir.read')}**\n\n" + "\n".join(items)
    left = [tr(f"field.{f}") for f in PORTAL_FIELDS if f not in found]
    if left:
        text += "\n\n" + tr("ui.eoir.left", fields="; ".join(left))
    st.markdown(text)


def _use(text: str, keys: dict[str, str]) -> None:
    """Put the text's answers in the form (a callback: it runs before the form is drawn again)."""
    state = st.session_state
    reading = normalizer().portal.read_text(text)
    for item in reading.found:
        value = item.read.value
        key = keys[item.field]
        if item.field == "case_status":
            if isinstance(value, CaseStatus) and len(value.codes) == 1:
                state[key] = value.codes[0]
        elif item.field == "order_date":
            if isinstance(value, PartialDate):
                _set_date(state, key, value)
        elif value in ("yes", "no"):
            state[key] = value
    state[TEXT_KEY] = text


def _set_date(state: Any, key: str, value: PartialDate) -> None:
    """A date into the form's date widgets (``screen.partial_date``: mode, then day, month or year)."""
    state[f"{key}_mode"] = value.precision
    if value.precision == "day":
        state[f"{key}_day"] = value.start
    elif value.precision == "month":
        state[f"{key}_month"] = value.start.month
        state[f"{key}_month_year"] = value.start.year
    else:
        state[f"{key}_year"] = value.start.year


def _forget() -> None:
    """Stop using the pasted text (the form's answers stay as they are)."""
    st.session_state[TEXT_KEY] = None
    st.session_state[PASTE_KEY] = ""


def portal_wording(ruleset: RuleSet) -> None:
    """For the rules page: how pasted portal text is read, and where each source of its wording was seen."""
    import pandas as pd

    st.subheader(tr("ui.rules.portal_title"))
    st.markdown(tr("ui.rules.portal"))
    sources = ruleset.portal.sources
    st.dataframe(
        pd.DataFrame({
            tr("ui.rules.portal_source"): list(sources),
            tr("ui.rules.portal_where"): [" ".join(f"{s.what} {s.where}".split()) for s in sources.values()],
            tr("ui.rules.portal_confirmed"): [tr("answer.yes") if s.confirmed else tr("answer.no") for s in sources.values()],
        }),
        hide_index=True,
        width="stretch",
    )
