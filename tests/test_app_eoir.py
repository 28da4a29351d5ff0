"""The form's "Paste from EOIR's case portal" box through AppTest: what the text says is shown beside
its sentences, "Use these answers" fills the form, untouched fields stay, and the text used keeps
answering with the form (several events and contradictions go to attorney review)."""

from __future__ import annotations

import datetime as dt
import re

from eligibility.ui.common import WORD_JOINER, literal
from eligibility.ui.screen import Country

from .conftest import ROOT
from .test_app import _app, _outcome, _set_month

FIXTURES = ROOT / "tests" / "fixtures" / "eoir"


def _text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def _person(at) -> None:
    """Returned in July 2019, in Honduras now: element (c) decides."""
    at.radio(key="p_mpp_enrolled").set_value("yes").run()
    _set_month(at, "p_enrollment", 7, 2019)
    at.selectbox(key="p_current_country").set_value(Country("HN")).run()


def _shown(at) -> str:
    """The page's markdown as it reads (escapes and invisible joiners taken out)."""
    text = "\n".join(m.value for m in at.markdown)
    return re.sub(r"\\(.)", r"\1", text).replace(WORD_JOINER, "")


def test_pasted_text_is_shown_beside_its_sentences_and_fills_the_form_when_used():
    at = _app("pages/screen.py")
    _person(at)
    at.radio(key="p_other_case").set_value("no").run()
    at.text_area(key="p_eoir_paste").input(_text("01_in_absentia_no_future_hearings.txt")).run()
    shown = _shown(at)
    assert "Removal order in absentia" in shown and "2019-11-20" in shown
    assert "From: “On November 20, 2019, the immigration judge ordered GARCIA LOPEZ, ANA MARIA removed in absentia.”" in shown
    assert "Another immigration case pending?" in shown, "the field the text does not settle is named as left as it is"
    assert at.session_state["p_case_status"] is None, "nothing is filled before staff accept"
    at.button(key="eoir_use").click().run()
    assert not at.exception
    state = at.session_state
    assert state["p_case_status"] == "removal_order_in_absentia"
    assert (state["p_order_mode"], state["p_order_day"]) == ("day", dt.date(2019, 11, 20))
    assert state["p_appeal_filed"] == "no"
    assert state["p_other_case"] == "no", "a field the text does not settle stays as it was"
    assert "May be a class member" in _outcome(at)
    assert any("in use" in str(i.value) for i in at.info)


def test_an_answer_changed_against_the_text_goes_to_review_and_forgetting_the_text_ends_it():
    at = _app("pages/screen.py")
    _person(at)
    at.text_area(key="p_eoir_paste").input(_text("06_terminated.txt")).run()
    at.button(key="eoir_use").click().run()
    assert "May be a class member" in _outcome(at)
    at.selectbox(key="p_case_status").set_value("pending").run()
    assert "Attorney review needed" in _outcome(at), "the form and the text used disagree"
    at.button(key="eoir_forget").click().run()
    assert at.session_state["p_eoir_text"] is None
    assert "Not a class member" in _outcome(at), "the form's own answer decides once the text is forgotten"


def test_text_that_records_several_events_goes_to_review_though_the_form_has_one_status_choice():
    at = _app("pages/screen.py")
    _person(at)
    at.text_area(key="p_eoir_paste").input(_text("18_motion_to_reopen_granted.txt")).run()
    assert "Several events" in _shown(at)
    at.button(key="eoir_use").click().run()
    assert at.session_state["p_case_status"] is None
    assert "Attorney review needed" in _outcome(at)
    assert any("several events" in m.value for m in at.markdown)


def test_pasted_text_is_shown_as_text_never_as_markdown_and_in_spanish():
    """Markdown in the pasted text is escaped; the box speaks the session's language."""
    at = _app("pages/screen.py", lang="es")
    hostile = "On May 1, 2020, the judge did **this** [click](http://example.invalid) ![x](http://example.invalid/x.png)."
    at.text_area(key="p_eoir_paste").input(hostile).run()
    raw = "\n".join(m.value for m in at.markdown)
    assert literal(hostile) in raw
    assert "[click](" not in raw and "![" not in raw and "**this**" not in raw
    assert "No se pudo leer con certeza" in _shown(at)
    at.text_area(key="p_eoir_paste").input(_text("31_es_terminated.txt")).run()
    assert "Terminación del procedimiento" in _shown(at)
    at.button(key="eoir_use").click().run()
    assert at.session_state["p_case_status"] == "terminated"
