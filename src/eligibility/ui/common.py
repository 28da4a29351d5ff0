"""Shared pieces of the app: the rules, the language, the as-of date, and the result card.

Client data lives only in ``st.session_state`` (one browser session). The rules are cached
with ``st.cache_resource`` because they are the same for everyone and hold no client data;
nothing derived from an upload or a form is ever put in a cross-session cache.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import streamlit as st

from ..engine import Determination
from ..errors import EligibilityError
from ..i18n import msg, t
from ..normalize import Normalizer, normalizer_for
from ..rules import RuleSet, load_rules
from ..text import Message

# Each status as a coloured badge with its words: a markdown icon would be announced as "help icon".
STATUS_BADGES = {"met": "green", "not_met": "red", "unknown": "orange", "review": "blue"}
OUTCOME_ICONS = {"likely_member": ":material/check_circle:", "not_member": ":material/block:",
                 "needs_info": ":material/help:", "needs_review": ":material/gavel:"}
OUTCOME_BOX = {"likely_member": "success", "not_member": "error", "needs_info": "warning", "needs_review": "info"}


@st.cache_resource(show_spinner=False)
def rules() -> RuleSet:
    """The rule set, loaded once per server process (it holds no client data)."""
    return load_rules()


@st.cache_resource(show_spinner=False)
def normalizer() -> Normalizer:
    """Lookup tables built from the rules (no client data)."""
    return normalizer_for(rules())


def lang() -> str:
    """The language chosen for this session ("en" or "es")."""
    return st.session_state.get("lang", "en")


def tr(key: str, **params: Any) -> str:
    """A catalogue text in the session's language, its parameters shown literally (see ``literal``).

    The catalogue's own text may use markdown; a parameter (a file name, a header, a count) never can.
    """
    return t(key, lang(), **{name: literal(value) for name, value in params.items()})


def as_of() -> dt.date:
    """The screening date chosen in the sidebar (default: today)."""
    return st.session_state.get("as_of") or dt.date.today()


PERSIST = "session"
"""Widgets whose answers must outlive a page change pass ``persist_state=PERSIST``: Streamlit then
keeps their value in this session's state while another page is shown (never anywhere else)."""

# Theme colours live in .streamlit/config.toml; what a theme cannot say (captions at 4.5:1, a visible
# focus ring, a result that stays in view on wide windows) is this small style sheet. No script, no
# outside file.
STYLE = """<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p, [data-testid="stMarkdownContainer"] blockquote,
[data-testid="stMarkdownContainer"] blockquote p {
  color: #4b5563 !important; opacity: 1 !important; }
:focus-visible, [data-baseweb] input:focus-visible, button:focus-visible, a:focus-visible {
  outline: 3px solid #1d4ed8 !important; outline-offset: 2px !important; }
@media (min-width: 992px) {
  [data-testid="stColumn"]:has(.st-key-result_panel) {
    position: sticky; top: 3.75rem; align-self: flex-start; max-height: calc(100vh - 5rem); overflow-y: auto; }
}
</style>"""


def style() -> None:
    """Apply the app's few style rules (focus ring, the result that stays in view)."""
    st.html(STYLE)


ANSWER_PREFIX = "p_"
"""Every widget key that holds an answer of the form starts with this ("Screen the next person"
clears them; a language change sets them again)."""
RELABELLED = (ANSWER_PREFIX, "order_", "results_filter")
"""Keys (or their beginnings) of the choices shown in the page's language: the form's answers, the
batch's date orders and its results filter (never a button, an upload or a table editor, whose
values cannot be set)."""


def _language_changed() -> None:
    """After a language change, set every choice's value again: the browser holds a choice as its
    words, so without it a "Yes" chosen in English shows no "Sí" checked (the value is kept, the
    words are not) and a case status keeps its English words on the Spanish page."""
    state = st.session_state
    for key in [k for k in state if isinstance(k, str) and k.startswith(RELABELLED)]:
        state[key] = state[key]


def sidebar() -> None:
    """Language switch and screening date, shown on every page; both last the whole session."""
    style()
    with st.sidebar:
        st.radio(
            "Language / Idioma",
            options=["en", "es"],
            format_func=lambda code: {"en": "English", "es": "Español"}[code],
            key="lang",
            horizontal=True,
            persist_state=PERSIST,
            on_change=_language_changed,
        )
        st.date_input(tr("ui.as_of"), key="as_of", value=dt.date.today(), format="YYYY-MM-DD", persist_state=PERSIST)
        st.caption(tr("ui.as_of_help"))
        st.caption(tr("ui.privacy_short"))


def determination_card(det: Determination, ruleset: RuleSet) -> None:
    """The result: outcome in plain words, each element with its words and reason, questions, stamp."""
    language = lang()
    box = getattr(st, OUTCOME_BOX[det.outcome])
    box(f"**{det.label(language)}**", icon=OUTCOME_ICONS[det.outcome])
    for element in det.elements:
        with st.container(border=True):  # one markdown block per element: fewer elements, faster updates
            st.markdown(
                f"**{literal(element.paragraph)} {element.title.get(language)}** "
                f":{STATUS_BADGES[element.status]}-badge[{element.status_label.get(language)}]  \n"
                f"{tr('ui.words')}: “{element.words}”\n\n"
                f"{' '.join(shown(m) for m in element.reasons)}"
            )
    if det.questions:
        st.markdown(f"**{tr('ui.questions')}**\n\n" + "\n".join(f"{i}. {shown(q)}" for i, q in enumerate(det.questions, start=1)))
    if det.recheck_on:
        st.markdown(f"**{tr('ui.recheck')}**  \n" + tr("ui.recheck_text", date=det.recheck_on.isoformat()))
    if det.documents:
        st.markdown(f"**{tr('ui.bring')}**\n\n" + "\n".join(f"- {d.get(language)}" for d in det.documents))
    if det.notes:
        st.markdown(f"**{tr('ui.notes')}**\n\n" + "\n".join(f"- {shown(n)}" for n in det.notes))
    if det.data_issues:
        st.markdown(f"**{tr('ui.data_issues')}**  \n" + "\n".join(f"- {shown(i.message)}" for i in det.data_issues))
    st.caption(tr("ui.stamp", as_of=det.as_of.isoformat(), version=det.rules_version, hash=det.rules_hash[:12]) + "  \n" + tr("ui.disclaimer"))


# Every ASCII punctuation character that markdown (links, images, emphasis, code, HTML, tables,
# math, Streamlit's directives) is made of: CommonMark lets each be escaped with a backslash. Left
# as they are: "?", ",", ";", "/" and a "." not after a digit, which start nothing on their own (a
# list needs "1."); a screen reader reads a widget's label with its backslashes, so "¿MPP?" and
# "Núm. de extranjero" stay as written.
_PUNCTUATION = re.compile(r"([!-+\-:<=>@\[-`{-~]|(?<=[0-9])\.)")
# Line breaks and other control characters would start a new block (a heading, a list, a quote).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
# Some syntax is found in the text after escapes are undone: GFM's bare links (http://, www., a@b.c)
# and Streamlit's :color[...] and :icon: shortcodes. An invisible WORD JOINER after each ':' and '@'
# and between 'www' and '.' leaves the text as it reads and breaks every one of those patterns.
_AFTER_JOINER = re.compile(r"(?<=[:@])|(?<=www)(?=\.)", flags=re.IGNORECASE)
WORD_JOINER = "\u2060"


def shown(message: Message | EligibilityError) -> str:
    """A message or an error as markdown in the session's language: the catalogue's (or the
    rules') words as written, every parameter literal, also inside a message used as a parameter."""
    language = lang()
    if isinstance(message, EligibilityError):
        message = msg(f"error.{message.code}", **message.params)

    def value(parameter: Any) -> str:
        if isinstance(parameter, Message):
            return shown(parameter)
        return literal(parameter.get(language) if hasattr(parameter, "get") else parameter)

    return message.template.get(language).format(**{k: value(v) for k, v in message.params})


def literal(value: Any) -> str:
    """``value`` as text that markdown shows exactly as written: no link, image, formatting or HTML.

    The one way text that did not come from the catalogues or the rules (a file name, a sheet name,
    a header, a cell, an answer typed into the form, an error's parameters) reaches anything
    Streamlit renders as markdown: labels, help, captions, alerts, markdown. ``tr`` applies it to
    every parameter. (Not for code spans, where a backslash shows; no catalogue text puts a
    parameter that can hold punctuation in one.)
    """
    text = _AFTER_JOINER.sub(WORD_JOINER, _CONTROL.sub(" ", str(value)))
    return _PUNCTUATION.sub(r"\\\1", text)
