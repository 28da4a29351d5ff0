"""Text from a file (its name, sheet names, headers, cells, error parameters) is shown as text,
never as markdown: no image loads from outside, no link looks like the app's own."""

from __future__ import annotations

import ast
import socket
import threading
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from eligibility.ui.common import WORD_JOINER, literal

from .conftest import ROOT
from .hostile_names import BEACON, DATE_HEADER, LINK, TRICKS, beacon, hostile_csv, hostile_workbook, profile
from .test_browser import browser, server  # noqa: F401  (fixtures: one streamlit server, one chromium)

UI = ROOT / "src" / "eligibility" / "ui"
RAW = ("](http", "![", "[click]", "<b>", ":red[", ":material/home:", "$x^2$", "www.evil", "a@evil")


def _batch() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/batch.py").run()
    return at


def _markdown_texts(at: AppTest) -> list[str]:
    """Every string the page hands Streamlit's markdown renderer."""
    texts = []
    for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        texts += [str(e.value) for e in getattr(at, kind)]
    for kind in ("radio", "selectbox", "number_input", "button", "file_uploader"):
        texts += [w.label for w in getattr(at, kind)]
    for radio in at.radio:
        texts += [str(o) for o in radio.options]
    return texts


def _assert_literal(texts: list[str], *hostile: str) -> None:
    joined = "\n".join(texts)
    for text in texts:
        for raw in RAW:
            assert raw not in text, f"markdown {raw!r} reaches the page unescaped in {text!r}"
    for value in hostile:
        assert literal(value) in joined, f"{value!r} is not shown (escaped) anywhere"


def test_literal_leaves_no_markdown_and_reads_as_written():
    value = f"{BEACON} {LINK} {TRICKS}\n# heading"
    shown = literal(value)
    assert "](" not in shown and "\n" not in shown and ":r" not in shown and "www." not in shown
    unescaped = "".join(c for i, c in enumerate(shown) if not (c == "\\" and i + 1 < len(shown)))
    assert unescaped.replace(WORD_JOINER, "") == value.replace("\n", " ")


def test_headers_and_file_names_in_warnings_labels_and_captions_are_escaped():
    """A CSV named with an image, headers that are links and images, mapped by a saved profile so
    the markdown header reaches the ambiguous-date warning and the day/month radio's label."""
    at = _batch()
    at.file_uploader(key="profile_upload").set_value(("profile.yaml", profile(), "text/yaml"))
    at.file_uploader(key="upload").set_value((f"{BEACON}.csv", hostile_csv(), "text/csv")).run()
    assert not at.exception and not at.error
    assert any(literal(DATE_HEADER) in w.value for w in at.warning)
    assert any(literal(DATE_HEADER) in r.label for r in at.radio)
    _assert_literal(_markdown_texts(at), DATE_HEADER)


def test_sheet_names_in_captions_and_the_sheet_choice_are_escaped():
    at = _batch()
    at.file_uploader(key="upload").set_value((f"{LINK}.xlsx", hostile_workbook(), "application/octet-stream")).run()
    assert not at.exception and not at.error
    assert any(literal(f"{BEACON} {TRICKS}") in c.value for c in at.caption)
    _assert_literal(_markdown_texts(at), f"{BEACON} {TRICKS}")
    sheet = at.selectbox(key="sheet")  # options are plain text in the browser (test below), kept verbatim
    assert sheet.options == [f"{BEACON} {TRICKS}", LINK]


@pytest.mark.parametrize("data", [b"", b"\x00\x01\x02binary"])
def test_an_error_about_a_file_shows_its_name_literally(data):
    at = _batch()
    at.file_uploader(key="upload").set_value((f"{BEACON}{TRICKS}.csv", data, "text/csv")).run()
    assert not at.exception and len(at.error) == 1
    _assert_literal(_markdown_texts(at), f"{BEACON}{TRICKS}.csv")


def test_a_file_name_the_server_got_with_a_nul_gets_one_plain_sentence():
    """The server replaces a NUL in an upload's name with U+FFFD (Streamlit would raise before the
    page runs); the page then says so in one sentence and reads nothing."""
    at = _batch()
    at.file_uploader(key="upload").set_value(("export\ufffd.csv", hostile_csv(), "text/csv")).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "This file's name contains a character the tool cannot use (a NUL byte, or the replacement character �); "
        "rename the file and upload it again."
    ]
    assert not at.get("data_editor") and "run" not in [b.key for b in at.button]


def test_an_answer_typed_into_the_form_is_shown_literally_in_the_result():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.text_input(key="p_a_number").input(BEACON).run()
    issues = [m.value for m in at.markdown if "not a valid A-number" in m.value]
    assert issues and literal(BEACON) in issues[0]
    _assert_literal(_markdown_texts(at), BEACON)


# --- the code: one helper is the only way file-derived text reaches markdown -----------------------

MARKDOWN_CALLS = {"markdown", "caption", "error", "warning", "info", "success", "toast", "title", "header",
                  "subheader", "write", "radio", "selectbox", "multiselect", "text_input", "text_area", "number_input",
                  "date_input", "checkbox", "toggle", "button", "download_button", "file_uploader", "metric", "tabs",
                  "expander", "progress", "popover", "link_button"}
TEXT_ARGUMENTS = {"label", "body", "help", "text", "caption", "placeholder"}
FROM_FILES = {"header", "headers", "sheet", "sheets", "name", "source", "sentence", "values", "value", "params"}
SAFE = {"tr", "literal", "shown", "t"}  # shown(): a message or error with literal parameters
RULES = {"definition", "ruleset", "element", "case"}  # the rules file, written and reviewed by counsel


def _root(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _unsafe(node: ast.AST) -> list[str]:
    """File-derived attributes in ``node`` that do not pass through tr() or literal()."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in SAFE:
        return []
    if isinstance(node, ast.Attribute) and node.attr in FROM_FILES:
        return [] if _root(node) in RULES else [ast.unparse(node)]
    found: list[str] = []
    for child in ast.iter_child_nodes(node):
        found += _unsafe(child)
    return found


def test_no_file_derived_text_reaches_a_markdown_renderer_except_through_literal():
    problems = []
    for path in sorted(UI.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in MARKDOWN_CALLS:
                continue
            texts = node.args[:1] + [k.value for k in node.keywords if k.arg in TEXT_ARGUMENTS]
            for text in texts:
                problems += [f"{path.name}:{node.lineno} {u}" for u in _unsafe(text)]
    assert not problems, "file-derived text reaches markdown without literal(): " + "; ".join(problems)


# --- the browser: nothing loads from the markdown, nothing becomes a link ---------------------------


class Listener:
    """A TCP listener on 127.0.0.2 standing in for the outside logging server; counts connections."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.2", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                continue
            self.hits += 1
            connection.close()

    def close(self) -> None:
        self.running = False
        self.thread.join(timeout=2)
        self.sock.close()


SUSPECT = ("a[href*='evil'], a[href*='127.0.0.2'], img:not([src^='data:']), .katex, "
           "[data-testid=stMain] [data-testid=stMarkdownContainer] [data-testid=stIconMaterial], "
           "[data-testid=stMain] [data-testid=stMarkdownContainer] span[class*=red], "
           # the file's own "<b>bold</b>" and "**b**" made bold (the app's own bold around a literal header is not)
           "[data-testid=stMain] [data-testid=stMarkdownContainer] b:text-is('bold'), "
           "[data-testid=stMain] [data-testid=stMarkdownContainer] strong:text-is('b')")


@pytest.mark.browser
def test_markdown_in_names_and_headers_loads_nothing_and_links_nowhere_in_the_browser(browser, server, tmp_path):  # noqa: F811
    listener = Listener()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    requests, violations = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    try:
        page.goto(server)
        page.get_by_role("link", name="Batch check a spreadsheet").click()
        page.get_by_role("heading", name="Batch check a spreadsheet").wait_for()
        inputs = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
        inputs.nth(1).set_input_files(files=[{"name": "profile.yaml", "mimeType": "text/yaml", "buffer": profile()}])
        named = f"{beacon(listener.port)} {LINK}.csv"
        inputs.first.set_input_files(files=[{"name": named, "mimeType": "text/csv",
                                             "buffer": hostile_csv(extra_header=beacon(listener.port))}])
        page.get_by_text("could be day/month", exact=False).first.wait_for()
        page.wait_for_timeout(1000)
        main = page.locator("[data-testid=stMain]")
        shown = main.inner_text().replace(WORD_JOINER, "")
        assert f'In "{DATE_HEADER}"' in shown and f'Day/month order for "{DATE_HEADER}"' in shown
        assert page.locator(SUSPECT).count() == 0, page.locator(SUSPECT).evaluate_all("e => e.map(x => x.outerHTML)")

        workbook = tmp_path / "sheets.xlsx"
        workbook.write_bytes(hostile_workbook((f"{beacon(listener.port)} {TRICKS}", LINK)))
        page.reload()
        page.get_by_role("heading", name="Batch check a spreadsheet").wait_for()
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(workbook))
        page.get_by_text("from sheet", exact=False).first.wait_for()
        page.locator('[data-testid="stSelectbox"]').filter(has_text="Sheet to read").locator("input").click()
        page.get_by_role("option", name=LINK, exact=True).wait_for()
        assert f"{beacon(listener.port)} {TRICKS}" in main.inner_text().replace(WORD_JOINER, "")
        assert page.locator(SUSPECT).count() == 0, page.locator(SUSPECT).evaluate_all("e => e.map(x => x.outerHTML)")
        page.keyboard.press("Escape")
        page.wait_for_timeout(1000)
    finally:
        context.close()
        listener.close()
    assert listener.hits == 0, "the page made a request to the address in the markdown"
    origin = server.rstrip("/")
    assert all(url.startswith((origin + "/", "data:", "blob:")) for url in requests), [
        u for u in requests if not u.startswith(origin)
    ]
    assert not violations, violations


def test_the_hostile_files_really_are_hostile():
    """Guard against a helper that quietly stopped producing markdown."""
    assert "](" in hostile_csv().decode() and "](" in DATE_HEADER
    assert Path(__file__).name == "test_markup.py"


def test_literal_leaves_punctuation_that_starts_nothing_as_written():
    """A screen reader reads a widget's label with its backslashes: "?", ",", ";", "/" and a "."
    not after a digit start no markdown, so headers such as "¿MPP?" keep no backslash; a list
    marker ("1.") and everything that can make a link, an image or formatting is escaped."""
    for text in ("¿MPP?", "Núm. de extranjero", "dd/mm/aaaa", "Sí; no, tal vez"):
        assert literal(text) == text
    assert literal("1. item") == "1\\. item" and literal("2) x") == "2\\) x"
    assert literal("[a](b)") == "\\[a\\]\\(b\\)" and literal("![x](y)").startswith("\\!\\[x\\]")
