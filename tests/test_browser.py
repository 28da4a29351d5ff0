"""The two main flows in a real browser: Playwright drives Debian's chromium against `streamlit run`.

The test starts the app on a free localhost port and stops it by its PID. Screenshots of each flow
go to tests/artifacts/ (git-ignored) so a person can look at them. Timings are printed, never
asserted (see benchmarks/ for speed).
"""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from openpyxl import load_workbook

from .conftest import ROOT, SAMPLES, require_binary
from .corpus import far_cell

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(env: dict[str, str] | None = None, args: tuple[str, ...] = ()) -> Iterator[str]:
    """`streamlit run app.py` on a free localhost port, stopped by its PID afterwards."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address", "127.0.0.1",
         *args],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start: {process.stderr.read().decode()[-2000:] if process.stderr else ''}")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """One `streamlit run app.py` for the module's tests."""
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    chromium = require_binary("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="en-US")
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    tab.goto(server)
    tab.get_by_role("heading", name="Screen one person").wait_for()
    yield tab
    context.close()


def _radio(page, label: str, option: str) -> None:
    _settle(page)
    page.locator('[data-testid="stRadio"]').filter(has_text=label).get_by_text(option, exact=True).click()
    _settle(page)


def _select(page, label: str, option: str) -> None:
    _settle(page)
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label)
    box.locator("input").click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()
    _settle(page)


def _number(page, label: str, value: str) -> None:
    _settle(page)
    field = page.locator('[data-testid="stNumberInput"]').filter(has_text=label).locator("input")
    field.fill(value)
    field.press("Enter")
    _settle(page)


def _settle(page) -> None:
    """Wait until Streamlit has finished rerunning the script (no stale elements left)."""
    page.wait_for_function(
        "() => !document.querySelector('[data-stale=\"true\"]')"
        " && document.querySelector('[data-testid=\"stApp\"]')?.getAttribute('data-test-script-state') !== 'running'",
        timeout=30_000,
    )
    page.wait_for_timeout(300)


def _shot(page, name: str) -> None:
    _settle(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_screening_one_person_in_the_browser(page, tmp_path):
    """Fill the form as an intake worker would; the outcome updates and the PDF downloads."""
    page.get_by_text("More information needed", exact=True).first.wait_for()
    _radio(page, "Returned to Mexico under MPP?", "Yes")
    _radio(page, "Date first returned to Mexico", "Month and year")
    _select(page, "Month", "July")
    _number(page, "Year", "2019")
    _select(page, "Country the person is in now", "Honduras")
    _select(page, "Immigration court case status", "Removal order in absentia")
    page.get_by_text("May be a class member", exact=True).first.wait_for()
    _shot(page, "screen-one-person")

    timings = []
    for answer, outcome in (("Yes", "Attorney review needed"), ("No", "May be a class member")) * 3:
        _settle(page)
        start = time.perf_counter()
        page.locator('[data-testid="stRadio"]').filter(has_text="Another immigration case pending?").get_by_text(answer, exact=True).click()
        page.get_by_text(outcome, exact=True).first.wait_for()
        timings.append((time.perf_counter() - start) * 1000)
    print(f"\n[timing] one answer changed to updated result: median {sorted(timings)[len(timings) // 2]:.0f} ms, "
          f"all {', '.join(f'{t:.0f}' for t in timings)} ms")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download screening record (PDF)").click()
    path = tmp_path / "record.pdf"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")


def _write_rows(path: Path, count: int) -> Path:
    rows = list(csv.reader(io.StringIO((SAMPLES / "clean_sample.csv").read_text(encoding="utf-8"))))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(rows[0])
        for i in range(count):
            row = list(rows[1 + i % (len(rows) - 1)])
            row[0] = f"B-{i:05d}"
            writer.writerow(row)
    return path


def _upload_and_run(page, path: Path, rows: int) -> float:
    page.get_by_role("link", name="Batch check a spreadsheet").click()
    page.get_by_role("heading", name="Batch check a spreadsheet").wait_for()
    start = time.perf_counter()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(path))
    page.get_by_role("button", name="Screen these rows").click()
    page.get_by_role("heading", name=f"Results for {rows} rows").wait_for(timeout=60_000)
    return time.perf_counter() - start


def test_batch_checking_a_messy_spreadsheet_in_the_browser(page, tmp_path):
    """Upload the messy English workbook, run, download the report and open it."""
    _upload_and_run(page, SAMPLES / "messy_english.xlsx", 11)
    page.get_by_role("heading", name="Results for 11 rows").scroll_into_view_if_needed()
    _shot(page, "batch-results")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download report (XLSX)").click()
    path = tmp_path / "report.xlsx"
    download.value.save_as(path)
    book = load_workbook(path)
    assert book.sheetnames == ["Results", "Summary", "Follow-up", "Re-check", "Data issues", "Rules"]
    results = list(book["Results"].iter_rows(values_only=True))
    assert len(results) == 12
    header = list(results[0])
    assert header[: len(header) - 9][:3] == ["Case #", "Client Name", "A#"]
    determinations = [row[header.index("determination")] for row in results[1:]]
    assert set(determinations) <= {"likely_member", "not_member", "needs_info", "needs_review"}
    assert "Sample Client Alpha" in [row[1] for row in results[1:]]


def test_a_two_thousand_row_upload_reaches_results(page, tmp_path):
    """A 2,000-row file goes from upload to results on screen (time printed, not asserted)."""
    seconds = _upload_and_run(page, _write_rows(tmp_path / "two-thousand.csv", 2000), 2000)
    print(f"\n[timing] 2,000-row upload to results on screen: {seconds:.2f} s (includes the click on Run)")
    _shot(page, "batch-2000")


def test_screening_in_spanish_in_the_browser(page, tmp_path):
    """Switch to Español: the form, the result and the PDF record are in Spanish."""
    _radio(page, "Language / Idioma", "Español")
    page.get_by_role("heading", name="Evaluar a una persona").wait_for()
    _radio(page, "¿Fue devuelta a México bajo MPP?", "Sí")
    _radio(page, "Fecha de la primera devolución a México", "Solo el año")
    _number(page, "Año", "2019")
    _select(page, "País donde está la persona ahora", "México")
    _select(page, "Estado del caso en la corte de inmigración", "Terminación del procedimiento")
    page.get_by_text("Puede ser miembro de la clase", exact=True).first.wait_for()
    _shot(page, "screen-spanish")
    with page.expect_download() as download:
        page.get_by_role("button", name="Descargar registro de la evaluación (PDF)").click()
    path = tmp_path / "registro.pdf"
    download.value.save_as(path)
    text = subprocess.run([require_binary("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Registro de evaluación" in text and "Puede ser miembro de la clase" in text


def _handshake(server: str, host: str, origin: str | None = None) -> int:
    import http.client
    from urllib.parse import urlparse

    address = urlparse(server)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    headers = {"Host": host, "Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
    connection.request("GET", "/_stcore/stream", headers={**headers, **({"Origin": origin} if origin else {})})
    status = connection.getresponse().status
    connection.close()
    return status


def test_the_server_refuses_a_foreign_host_or_origin_on_its_websocket(server):
    """DNS-rebinding and cross-site guard: the data channel answers only this server, as reached."""
    port = server.rsplit(":", 1)[1]
    assert _handshake(server, f"evil.example:{port}") == 403
    assert _handshake(server, f"localhost:{port}") == 101
    assert _handshake(server, f"localhost:{port}", origin=f"http://localhost:{port}") == 101
    assert _handshake(server, f"localhost:{port}", origin=f"http://localhost:{int(port) + 1}") == 403
    assert _handshake(server, f"localhost:{port}", origin="http://evil.example") == 403


def test_every_http_answer_refuses_a_foreign_host_and_forbids_framing_and_caching(server):
    """Streamlit checked the Host header only on the WebSocket; now every request is checked, and
    every answer forbids framing, sniffing, referrers and caching (static bundles may be cached)."""
    port = server.rsplit(":", 1)[1]
    for path in ("/", "/batch", "/_stcore/health", "/_stcore/host-config", "/media/" + "0" * 64 + ".csv"):
        foreign = urllib.request.Request(server + path, headers={"Host": f"evil.example:{port}"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(foreign, timeout=10)
        assert refused.value.code == 403, path
        try:
            response = urllib.request.urlopen(server + path, timeout=10)
        except urllib.error.HTTPError as error:  # an unknown media file: 404, with the same headers
            response = error
        assert response.headers["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], path
        assert response.headers["Cache-Control"] == "no-store", path
        assert response.headers["Referrer-Policy"] == "no-referrer", path
    cross_site = urllib.request.Request(server + "/_stcore/health", headers={"Origin": "http://localhost:1"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(cross_site, timeout=10)
    assert refused.value.code == 403


def test_another_page_cannot_frame_the_app(browser, server):
    context = browser.new_context()
    page = context.new_page()
    messages = []
    page.on("console", lambda m: messages.append(m.text))
    page.set_content(f'<iframe src="{server}/" width="800" height="600"></iframe>')
    page.wait_for_timeout(3000)
    framed = [f for f in page.frames if f != page.main_frame]
    assert framed and all(f.get_by_role("heading", name="Screen one person").count() == 0 for f in framed)
    assert any("frame-ancestors" in m or "X-Frame-Options" in m for m in messages), messages
    context.close()


def test_a_file_name_with_a_nul_gets_one_plain_sentence_in_the_browser(page):
    """Streamlit raised on such a name before the page ran (its generic error box, a stuck session)."""
    page.get_by_role("link", name="Batch check a spreadsheet").click()
    page.get_by_role("heading", name="Batch check a spreadsheet").wait_for()
    data = (SAMPLES / "clean_sample.csv").read_bytes()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(
        files=[{"name": "export\x00.csv", "mimeType": "text/csv", "buffer": data}]
    )
    error = page.locator('[data-testid="stAlertContentError"]')
    error.wait_for()
    _settle(page)
    assert error.count() == 1
    assert "This file's name contains a character the tool cannot use (a NUL byte" in error.inner_text()
    assert page.locator('[data-testid="stException"]').count() == 0
    # The session is not stuck: the same file under its real name is read.
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(SAMPLES / "clean_sample.csv"))
    page.get_by_role("button", name="Screen these rows").wait_for()


def test_pasting_from_eoirs_case_portal_fills_the_form_in_the_browser(page):
    """Open the paste box, paste the portal's page, read what it says beside its sentences, and use it."""
    text = (ROOT / "tests" / "fixtures" / "eoir" / "25_full_page_with_furniture.txt").read_text(encoding="utf-8")
    _radio(page, "Returned to Mexico under MPP?", "Yes")
    _radio(page, "Date first returned to Mexico", "Month and year")
    _select(page, "Month", "July")
    _number(page, "Year", "2019")
    _select(page, "Country the person is in now", "Honduras")
    page.get_by_text("More information needed", exact=True).first.wait_for()
    page.get_by_text("Paste from EOIR's case portal", exact=True).click()
    box = page.locator('[data-testid="stTextArea"]').filter(has_text="Text from EOIR's case portal").locator("textarea")
    box.fill(text)
    box.press("Control+Enter")  # a text area sends its value on Ctrl+Enter (or when it loses focus)
    _settle(page)
    page.get_by_text("From: “On December 4, 2019, the immigration judge ordered PEREZ, JUAN CARLOS removed in absentia.”").first.wait_for()
    assert page.get_by_text("Removal order in absentia").count() >= 1
    page.get_by_role("button", name="Use these answers").click()
    _settle(page)
    page.get_by_text("May be a class member", exact=True).first.wait_for()
    status = page.locator('[data-testid="stSelectbox"]').filter(has_text="Immigration court case status").locator("input")
    assert status.input_value() == "Removal order in absentia"
    page.get_by_text("The person was ordered removed in absentia; such an order is final when entered.").first.wait_for()
    _shot(page, "screen-eoir-paste")


def test_a_workbook_built_to_exhaust_memory_gets_one_sentence_and_the_server_keeps_serving(browser, server, tmp_path):
    """The issue's 1.6 KB workbook (a cell at XFD50000) in one browser: one sentence, no crash; a
    second browser on the same server then screens a file as usual."""
    hostile = tmp_path / "far-cell.xlsx"
    hostile.write_bytes(far_cell("XFD50000"))
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US") for _ in range(2)]
    try:
        first = contexts[0].new_page()
        first.set_default_timeout(30_000)
        first.goto(server)
        first.get_by_role("link", name="Batch check a spreadsheet").click()
        first.get_by_role("heading", name="Batch check a spreadsheet").wait_for()
        start = time.perf_counter()
        first.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(hostile))
        alert = first.locator('[data-testid="stAlertContentError"]').filter(has_text="is too big to read")
        alert.wait_for()
        print(f"\n[timing] hostile workbook upload to sentence on screen: {time.perf_counter() - start:.2f} s")
        assert "its cells reach row 50,000 and column XFD" in alert.inner_text()
        _shot(first, "batch-hostile-workbook")
        assert urllib.request.urlopen(f"{server}/_stcore/health", timeout=5).read() == b"ok"

        second = contexts[1].new_page()
        second.set_default_timeout(30_000)
        second.goto(server)
        second.get_by_role("heading", name="Screen one person").wait_for()
        _upload_and_run(second, _write_rows(tmp_path / "after.csv", 5), 5)
    finally:
        for context in contexts:
            context.close()
