"""Shared pieces of the app: the rules, the language, the as-of date, and the result card.

Client data lives only in ``st.session_state`` (one browser session). The rules are cached
with ``st.cache_resource`` because they are the same for everyone and hold no client data;
nothing derived from an upload or a form is ever put in a cross-session cache.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from ..engine import Determination
from ..i18n import t
from ..normalize import Normalizer
from ..rules import RuleSet, load_rules

STATUS_ICONS = {"met": "✅", "not_met": "❌", "unknown": "❓", "review": "⚖️"}
OUTCOME_BOX = {"likely_member": "success", "not_member": "error", "needs_info": "warning", "needs_review": "info"}


@st.cache_resource(show_spinner=False)
def rules() -> RuleSet:
    """The rule set, loaded once per server process (it holds no client data)."""
    return load_rules()


@st.cache_resource(show_spinner=False)
def normalizer() -> Normalizer:
    """Lookup tables built from the rules (no client data)."""
    return Normalizer(rules())


def lang() -> str:
    """The language chosen for this session ("en" or "es")."""
    return st.session_state.get("lang", "en")


def tr(key: str, **params: Any) -> str:
    """A catalogue text in the session's language."""
    return t(key, lang(), **params)


def as_of() -> dt.date:
    """The screening date chosen in the sidebar (default: today)."""
    return st.session_state.get("as_of") or dt.date.today()


def sidebar() -> None:
    """Language switch and screening date, shown on every page."""
    with st.sidebar:
        st.radio(
            "Language / Idioma",
            options=["en", "es"],
            format_func=lambda code: {"en": "English", "es": "Español"}[code],
            key="lang",
            horizontal=True,
        )
        st.date_input(tr("ui.as_of"), key="as_of", value=dt.date.today(), format="YYYY-MM-DD", help=tr("ui.as_of_help"))
        st.caption(tr("ui.privacy_short"))


def determination_card(det: Determination, ruleset: RuleSet) -> None:
    """The result: outcome in plain words, each element with its words and reason, questions, stamp."""
    language = lang()
    box = getattr(st, OUTCOME_BOX[det.outcome])
    box(f"**{det.label(language)}**", icon={"success": "✅", "error": "🚫", "warning": "❓", "info": "⚖️"}[OUTCOME_BOX[det.outcome]])
    for letter, element in zip("abc", det.elements, strict=True):
        with st.container(border=True):
            st.markdown(
                f"{STATUS_ICONS[element.status]} **({letter}) {element.title.get(language)}** — "
                f"{element.status_label.get(language)}"
            )
            st.caption(f"{tr('ui.words')}: “{element.words}”")
            st.write(element.reason(language))
    if det.questions:
        st.markdown(f"**{tr('ui.questions')}**")
        st.markdown("\n".join(f"{i}. {q.text(language)}" for i, q in enumerate(det.questions, start=1)))
    if det.notes:
        st.markdown(f"**{tr('ui.notes')}**")
        for note in det.notes:
            st.markdown(f"- {note.text(language)}")
    if det.data_issues:
        st.markdown(f"**{tr('ui.data_issues')}**")
        for issue in det.data_issues:
            st.markdown(f"- {issue.message.text(language)}")
    st.caption(tr("ui.stamp", as_of=det.as_of.isoformat(), version=det.rules_version, hash=det.rules_hash[:12]))
    st.caption(tr("ui.disclaimer"))
