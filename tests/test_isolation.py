"""Sessions never see each other's data, and nothing of an upload is left on disk."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from .conftest import ROOT
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
