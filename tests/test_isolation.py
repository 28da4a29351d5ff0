"""Sessions never see each other's data, and nothing of an upload is left on disk."""

from __future__ import annotations

import csv
import io
import os
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from streamlit.runtime.memory_media_file_storage import _PARTIAL_HASH_SAMPLE_SIZE, _calculate_file_id
from streamlit.testing.v1 import AppTest

from eligibility.ui import downloads

from .conftest import ROOT, SAMPLES
from .test_browser import browser, server  # noqa: F401  (fixtures: one streamlit server, one chromium)

PEOPLE = {
    "alpha": "Alfa Aislamiento",
    "bravo": "Bravo Barrera",
    "charlie": "Carla Compartimento",
}


def _csv(name: str) -> bytes:
    return (
        "full_name,a_number,mpp_enrolled,mpp_enrollment_date,current_country,case_status\n"
        f"{name},A0{abs(hash(name)) % 10**8:08d},yes,2019-07,Mexico,terminated\n"
    ).encode()


def _shown(at: AppTest) -> str:
    parts = []
    for frame in at.dataframe:
        parts.append(frame.value.to_csv())
    for kind in ("markdown", "caption", "text_input"):
        parts += [str(getattr(e, "value", "")) for e in getattr(at, kind)]
    return "\n".join(parts)


def test_concurrent_app_sessions_never_see_each_others_uploads():
    """Three live AppTest sessions, stepped in turn, upload different people; each sees only its own.

    (AppTest drives one global runtime, so the sessions are interleaved step by step rather than
    run on threads; the browser test below runs real concurrent sessions against one server.)
    """
    apps = {key: AppTest.from_file(str(ROOT / "app.py"), default_timeout=90) for key in PEOPLE}
    steps = [
        lambda at, key: at.run(),
        lambda at, key: at.text_input(key="p_full_name").input(PEOPLE[key]).run(),
        lambda at, key: at.switch_page("pages/batch.py").run(),
        lambda at, key: at.file_uploader(key="upload").set_value((f"{key}.csv", _csv(PEOPLE[key]), "text/csv")).run(),
        lambda at, key: at.button(key="run").click().run(),
    ]
    for step in steps:
        for key, at in apps.items():
            step(at, key)
            assert not at.exception
    for key, at in apps.items():
        shown = _shown(at) + "\n" + str(at.session_state["p_full_name"])
        assert PEOPLE[key] in shown
        for other_key, other in PEOPLE.items():
            if other_key != key:
                assert other not in shown, f"session {key} saw {other_key}'s data"


def _files(folder: Path) -> set[Path]:
    skip = {".venv", ".git", "artifacts", "__pycache__", ".pytest_cache", ".hypothesis"}
    found = set()
    for path, dirs, names in os.walk(folder):
        # pytest's own tmp folders and the test browser's profile/downloads are not the server's
        dirs[:] = [d for d in dirs if d not in skip and not d.startswith(("pytest-of-", "playwright"))]
        found.update(Path(path) / n for n in names)
    return found


@pytest.mark.browser
def test_concurrent_browser_sessions_are_isolated_and_leave_nothing_on_disk(browser, server, tmp_path):  # noqa: F811
    """Two browser sessions on one server upload different files; neither sees the other, no file is left behind."""
    watched = [ROOT, Path(tempfile.gettempdir()), Path.home() / ".streamlit"]
    before = {folder: _files(folder) for folder in watched if folder.exists()}
    sessions = {}
    for key in ("alpha", "bravo"):
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(server)
        page.get_by_role("link", name="Batch check a spreadsheet").click()
        page.get_by_role("heading", name="Batch check a spreadsheet").wait_for()
        upload = tmp_path / f"{key}.csv"
        upload.write_bytes(_csv(PEOPLE[key]))
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(upload))
        sessions[key] = (context, page)
    for _key, (_context, page) in sessions.items():  # both uploaded before either runs
        page.get_by_role("button", name="Screen these rows").click()
    for key, (_context, page) in sessions.items():
        page.get_by_role("heading", name="Results for 1 rows").wait_for()
        with page.expect_download() as download:  # the table is drawn on a canvas: read the session's own CSV
            page.get_by_role("button", name="Download results (CSV)").click()
        saved = tmp_path / f"{key}-results.csv"
        download.value.save_as(saved)
        text = saved.read_text(encoding="utf-8-sig") + page.locator('[data-testid="stMain"]').inner_text()
        assert PEOPLE[key] in text
        other = PEOPLE["bravo" if key == "alpha" else "alpha"]
        assert other not in text, f"session {key} shows the other session's person"
    for context, _page in sessions.values():
        context.close()
    time.sleep(1)
    for folder, files in before.items():
        new = {p for p in _files(folder) - files if tmp_path not in p.parents}
        leaked = [p for p in new if p.suffix in (".csv", ".xlsx", ".xls", ".ods", ".pdf") or any(
            n.encode() in p.read_bytes() for n in PEOPLE.values() if p.is_file() and p.stat().st_size < 10_000_000)]
        assert not leaked, f"files left on disk after the sessions: {leaked}"


TWINS = {"alpha": "Alfa Gemela", "bravo": "Beto Gemelo"}  # same length: the two files differ only here
TWIN_ROW = 5_002


def _twin_export(path: Path, name_at_row: str, rows: int = 20_000) -> Path:
    """A 20,000-row case-system export; row 5,002 names ``name_at_row``, every other row is shared."""
    sample = list(csv.reader(io.StringIO((SAMPLES / "clean_sample.csv").read_text(encoding="utf-8"))))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(sample[0])
        for i in range(1, rows + 1):
            row = list(sample[1 + i % (len(sample) - 1)])
            row[0], row[2] = f"C-{i:05d}", f"A{100_000_000 + i:09d}"  # no duplicates: one issue list each
            row[1] = name_at_row if i == TWIN_ROW else f"Persona {i:05d}"
            writer.writerow(row)
    return path


def _status(url: str, cookie: str | None = None) -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        return urllib.request.urlopen(request, timeout=10).status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.browser
def test_two_sessions_downloading_same_named_equal_length_results_each_get_their_own_bytes(
    browser, server, tmp_path  # noqa: F811
):
    """Two browsers upload export.csv (20,000 rows, equal length, one name differs at row 5,002,
    outside the blocks Streamlit samples) and both download "Download results (CSV)": each gets
    its own bytes; the URL is useless without its browser's cookie and is gone seconds later."""
    sessions = {}
    for key, name in TWINS.items():
        (tmp_path / key).mkdir()
        session = SimpleNamespace(upload=_twin_export(tmp_path / key / "export.csv", name))
        session.context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        session.page = session.context.new_page()
        session.page.set_default_timeout(90_000)
        session.page.goto(server)
        session.page.get_by_role("link", name="Batch check a spreadsheet").click()
        session.page.get_by_role("heading", name="Batch check a spreadsheet").wait_for()
        session.page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(session.upload))
        sessions[key] = session
    assert len({s.upload.stat().st_size for s in sessions.values()}) == 1
    for session in sessions.values():  # both uploaded before either runs
        session.page.get_by_role("button", name="Screen these rows").click()
    for session in sessions.values():
        session.page.get_by_role("heading", name="Results for 20000 rows").wait_for()
    for key, session in sessions.items():  # both click, one after the other
        media = lambda r: urlsplit(r.url).path.startswith("/media/") and r.status == 200  # noqa: E731
        with session.page.expect_response(media) as served, session.page.expect_download() as download:
            session.page.get_by_role("button", name="Download results (CSV)").click()
        session.served = served.value
        session.saved = tmp_path / key / download.value.suggested_filename
        download.value.save_as(session.saved)
        session.data = session.saved.read_bytes()
    alpha, bravo = sessions["alpha"], sessions["bravo"]
    print(f"\n[isolation] two results CSVs of {len(alpha.data):,} and {len(bravo.data):,} bytes")

    for key, name in TWINS.items():
        other = TWINS["bravo" if key == "alpha" else "alpha"]
        text = sessions[key].data.decode("utf-8-sig")
        assert name in text and other not in text, f"session {key} downloaded the other session's clients"

    # ...in the case Streamlit's own store gets wrong: its fingerprint cannot tell these two apart.
    assert alpha.saved.name == bravo.saved.name == "export-screening.csv"
    assert len(alpha.data) == len(bravo.data) > 1024 * 1024
    assert _calculate_file_id(alpha.data, "text/csv", "export-screening.csv") == _calculate_file_id(
        bravo.data, "text/csv", "export-screening.csv"
    ), "the two results no longer collide under Streamlit's fingerprint; adjust the twin files"
    first_difference = next(i for i, (a, b) in enumerate(zip(alpha.data, bravo.data, strict=True)) if a != b)
    assert _PARTIAL_HASH_SAMPLE_SIZE < first_difference < len(alpha.data) // 2 - _PARTIAL_HASH_SAMPLE_SIZE

    # Each download URL: no-store; refused without the browser's cookie, and to the other browser...
    for session in sessions.values():
        session.url = session.served.url
        assert session.served.headers.get("cache-control") == "no-store"
        assert _status(session.url) == 404
    assert alpha.url != bravo.url
    assert alpha.context.request.get(bravo.url).status == 404
    assert bravo.context.request.get(alpha.url).status == 404
    # ...and gone for its own browser too, seconds after it was served.
    time.sleep(downloads.AFTER_FETCH_SECONDS + 1)
    for session in sessions.values():
        assert session.context.request.get(session.url).status == 404
        session.context.close()
