"""The Streamlit app through AppTest: each page, each outcome, each sample upload, bad uploads, Spanish."""

from __future__ import annotations

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from eligibility.i18n import LOCALES_DIR, catalog
from eligibility.ui.screen import Country

from .conftest import ROOT, SAMPLES

PAGES = ["pages/screen.py", "pages/batch.py", "pages/rules.py"]


def _app(page: str | None = None, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception
    return at


def _texts(at: AppTest) -> list[str]:
    """Every piece of text the page shows a person, widget labels included."""
    texts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        texts += [str(e.value) for e in getattr(at, kind)]
    for kind in ("radio", "selectbox", "text_input", "text_area", "button", "number_input", "date_input"):
        texts += [w.label for w in getattr(at, kind)]
    for radio in at.radio:
        texts += [str(o) for o in radio.options]
    return texts


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_page_renders_without_an_exception(page, lang):
    """Each page runs in each language with no exception and no error box."""
    at = _app(page, lang)
    assert not at.error


def _outcome(at: AppTest) -> str:
    boxes = [*at.success, *at.error, *at.warning, *at.info]
    return " ".join(str(b.value) for b in boxes)


def _set_month(at: AppTest, key: str, month: int, year: int) -> None:
    at.radio(key=f"{key}_mode").set_value("month").run()
    at.selectbox(key=f"{key}_month").set_value(month)
    at.number_input(key=f"{key}_month_year").set_value(year)
    at.run()


def _answer_a_member(at: AppTest, country: str, case_status: str) -> None:
    """Returned under MPP in July 2019, in ``country`` now, with this case status."""
    at.radio(key="p_mpp_enrolled").set_value("yes").run()
    _set_month(at, "p_enrollment", 7, 2019)
    at.selectbox(key="p_current_country").set_value(Country(country)).run()
    at.selectbox(key="p_case_status").set_value(case_status).run()


def test_a_blank_form_asks_for_more_information():
    """With nothing entered, the result is "More information needed" with questions to ask."""
    at = _app("pages/screen.py")
    assert "More information needed" in _outcome(at)
    assert any("Ask next" in m.value for m in at.markdown)


def test_the_single_person_happy_path_reaches_each_outcome():
    """Answering the form moves the result through each of the four outcomes."""
    at = _app("pages/screen.py")
    _answer_a_member(at, "HN", "removal_order_in_absentia")
    assert not at.exception
    assert "May be a class member" in _outcome(at)
    at.selectbox(key="p_case_status").set_value("administratively_closed").run()
    assert "Attorney review needed" in _outcome(at)
    at.selectbox(key="p_current_country").set_value(Country("US")).run()
    assert "Not a class member" in _outcome(at)
    at.radio(key="p_mpp_enrolled").set_value("unknown").run()
    assert "Not a class member" in _outcome(at), "filling in or clearing other answers cannot rescue a not-member"


def test_the_result_follows_the_date_shown_not_one_entered_before():
    """Switching a date from "month and year" to "year only" or "unknown" uses what the form shows
    now: a month entered earlier and hidden since does not count."""
    at = _app("pages/screen.py")
    _answer_a_member(at, "HN", "terminated")
    assert "May be a class member" in _outcome(at)
    at.radio(key="p_enrollment_mode").set_value("unknown").run()
    assert "More information needed" in _outcome(at)
    at.radio(key="p_enrollment_mode").set_value("year").run()
    assert "More information needed" in _outcome(at), "the year is not filled in yet"
    at.number_input(key="p_enrollment_year").set_value(2022).run()
    assert "Not a class member" in _outcome(at)


def test_a_removal_order_within_thirty_days_says_when_to_recheck():
    """A recent order with no appeal is attorney review with the re-check date in the notes."""
    at = _app("pages/screen.py")
    at.radio(key="p_mpp_enrolled").set_value("yes").run()
    at.radio(key="p_enrollment_mode").set_value("year").run()
    at.number_input(key="p_enrollment_year").set_value(2019).run()
    at.selectbox(key="p_current_country").set_value(Country("MX")).run()
    at.selectbox(key="p_case_status").set_value("removal_order").run()
    at.radio(key="p_order_mode").set_value("day").run()
    at.date_input(key="p_order_day").set_value(at.session_state["as_of"]).run()
    at.radio(key="p_appeal_filed").set_value("no").run()
    assert "Attorney review needed" in _outcome(at)
    assert any("re-check on" in m.value for m in at.markdown)


def test_an_invalid_a_number_is_shown_but_does_not_change_the_result():
    """A bad A-number appears under "Check these entries"; the outcome stays."""
    at = _app("pages/screen.py")
    at.text_input(key="p_a_number").input("A12").run()
    assert "More information needed" in _outcome(at)
    assert any("not a valid A-number" in m.value for m in at.markdown)


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="upload").set_value((name, data, "application/octet-stream"))
    at.run()
    return at


@pytest.mark.parametrize(
    ("name", "rows"),
    [("clean_sample.csv", 12), ("messy_spanish.csv", 10), ("messy_english.xlsx", 11), ("intake_template.xlsx", 1)],
)
def test_each_sample_file_uploads_and_screens(name, rows):
    """Upload, run: metrics add up to the number of rows, and the report buttons appear."""
    at = _upload(_app("pages/batch.py"), name, (SAMPLES / name).read_bytes())
    assert not at.exception and not at.error
    at.button(key="run").click().run()
    assert not at.exception
    assert sum(int(m.value) for m in at.metric) == rows
    assert len(at.get("download_button")) >= 4


def test_a_new_user_can_try_a_bundled_sample_without_uploading():
    """With no upload, a bundled synthetic sample can be chosen and screened."""
    at = _app("pages/batch.py")
    at.selectbox(key="sample").set_value("messy_spanish.csv").run()
    at.button(key="run").click().run()
    assert not at.exception
    assert sum(int(m.value) for m in at.metric) == 10


def test_an_ambiguous_date_column_offers_a_choice_and_the_choice_is_used():
    """A column of dates like 03/04/2020 shows a warning and a day/month choice."""
    data = b"mpp_enrolled,mpp_enrollment_date,current_country,case_status\nyes,01/02/2021,Mexico,terminated\n"
    at = _upload(_app("pages/batch.py"), "ambiguous.csv", data)
    assert any("could be day/month or month/day" in w.value for w in at.warning)
    at.radio(key="order_mpp_enrollment_date").set_value("dmy").run()
    at.button(key="run").click().run()
    assert [m.value for m in at.metric if m.label == "Attorney review needed"] == ["1"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("scan.csv", b"%PDF-1.4\n" + bytes(range(256)) * 8, "is not a text CSV file"),
        ("empty.csv", b"", "is empty"),
        ("header.csv", b"full_name,mpp_enrolled\n", "has a header row but no rows of data"),
        ("broken.xlsx", b"PK\x03\x04 broken", "could not be read"),
    ],
)
def test_a_bad_upload_gets_one_plain_sentence_and_no_traceback(name, data, message):
    """A renamed PDF, empty, header only, corrupt: one clear sentence on the page.

    (A file with a wrong extension never reaches the app: the uploader accepts only spreadsheet types.)
    """
    at = _app("pages/batch.py")
    at.file_uploader(key="upload").set_value((name, data, "application/octet-stream"))
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and message in at.error[0].value


def _english_only_strings() -> set[str]:
    en, es = catalog("en"), catalog("es")
    return {v for k, v in en.items() if v != es[k] and len(v) > 3 and "{" not in v}


@pytest.mark.parametrize("page", PAGES)
def test_each_page_in_spanish_has_no_english_leftover(page):
    """In Spanish, no English catalogue text appears on the page."""
    at = _app(page, "es")
    shown = _texts(at)
    leftovers = {s for s in _english_only_strings() for text in shown if s == text or (len(s) > 12 and s in text)}
    assert not leftovers, leftovers


def test_the_spanish_result_uses_spanish_legal_terms():
    """In Spanish the outcome and reasons use the glossary's terms."""
    at = _app("pages/screen.py", "es")
    _answer_a_member(at, "MX", "removal_order_in_absentia")
    assert "Puede ser miembro de la clase" in _outcome(at)
    assert any("orden de deportación en ausencia" in str(m.value) for m in at.markdown)


def test_the_form_is_kept_while_staff_look_at_another_page():
    """Answers in the one-person form survive a visit to the rules page in the same session."""
    at = _app("pages/screen.py")
    at.radio(key="p_mpp_enrolled").set_value("no").run()
    at.switch_page("pages/rules.py").run()
    at.switch_page("pages/screen.py").run()
    assert at.radio(key="p_mpp_enrolled").value == "no"
    assert "Not a class member" in _outcome(at)


def test_the_language_choice_is_remembered_across_pages():
    """Switching pages keeps the session's language."""
    at = _app("pages/screen.py", "es")
    at.switch_page("pages/rules.py").run()
    assert at.title[0].value == "Sobre las reglas"


def test_the_glossary_terms_are_the_ones_the_catalogue_uses():
    """Each glossary term is used, verbatim, in the Spanish texts."""
    glossary = yaml.safe_load((LOCALES_DIR / "glossary.yaml").read_text(encoding="utf-8"))
    spanish = " ".join(catalog("es").values()) + " " + (ROOT / "rules" / "mpp1_class.yaml").read_text(encoding="utf-8")
    for term in glossary["terms"]:
        assert term["es"].casefold() in spanish.casefold(), term


def test_the_server_configuration_is_safe_by_default():
    """Telemetry off, localhost only, no error details, viewer toolbar, XSRF on, upload limit as stated."""
    import tomllib

    from eligibility.ui.batch import MAX_UPLOAD_MB

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["address"] == "127.0.0.1"
    assert set(config["server"]["allowedHosts"]) <= {"localhost", "127.0.0.1"}
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["fileWatcherType"] == "none"
    assert config["server"]["maxUploadSize"] == MAX_UPLOAD_MB
    assert config["client"]["showErrorDetails"] == "none" and config["client"]["toolbarMode"] == "viewer"
