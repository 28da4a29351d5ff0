"""App responsiveness in a real browser (Debian chromium via Playwright), against a baseline app.

    .venv/bin/python benchmarks/bench_app.py

Prints, for one answer changed on "Screen one person", the time until the new result shows
(median of 15), next to the same measurement on a baseline Streamlit app with one radio and one
line of text, run in the same process; and the time from uploading a 2,000-row CSV to the results
on screen. Targets (issue 4): under 300 ms, and under 3 s.
"""

from __future__ import annotations

import csv
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_browser import CHROMIUM_ARGS, _free_port  # noqa: E402

BASELINE = '''
import streamlit as st
choice = st.radio("Another immigration case pending?", ["No", "Yes"], horizontal=True)
st.write("Attorney review needed" if choice == "Yes" else "May be a class member")
'''


def start(app: Path, cwd: Path):
    import subprocess
    import urllib.request

    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port), "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.address", "127.0.0.1"],
        cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(180):
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                return process, url
        except OSError:
            time.sleep(0.5)
    raise SystemExit("streamlit did not start")


def settle(page) -> None:
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')")
    page.wait_for_timeout(200)


def click_times(page, label: str, answers: list[tuple[str, str]]) -> list[float]:
    times = []
    for answer, expected in answers:
        settle(page)
        start_time = time.perf_counter()
        page.locator('[data-testid="stRadio"]').filter(has_text=label).get_by_text(answer, exact=True).click()
        page.get_by_text(expected, exact=True).first.wait_for()
        times.append((time.perf_counter() - start_time) * 1000)
    return times


def main() -> None:
    from playwright.sync_api import sync_playwright

    answers = [("Yes", "Attorney review needed"), ("No", "May be a class member")] * 8
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        folder = Path(tmp)
        (folder / "baseline.py").write_text(BASELINE, encoding="utf-8")
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        base_process, base_url = start(folder / "baseline.py", folder)
        app_process, app_url = start(ROOT / "app.py", ROOT)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(base_url)
            page.get_by_text("May be a class member").wait_for()
            baseline = click_times(page, "Another immigration case pending?", answers)[1:]

            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(app_url)
            page.get_by_role("heading", name="Screen one person").wait_for()
            for label, option in (("Returned to Mexico under MPP?", "Yes"), ("Date first returned to Mexico", "Year only")):
                settle(page)
                page.locator('[data-testid="stRadio"]').filter(has_text=label).get_by_text(option, exact=True).click()
            settle(page)
            year = page.locator('[data-testid="stNumberInput"]').filter(has_text="Year").locator("input")
            year.fill("2019")
            year.press("Enter")
            for label, option in (("Country the person is in now", "Mexico"), ("Immigration court case status", "Proceedings terminated")):
                settle(page)
                page.locator('[data-testid="stSelectbox"]').filter(has_text=label).locator("input").click()
                page.keyboard.type(option)
                page.get_by_role("option", name=option, exact=True).click()
            page.get_by_text("May be a class member", exact=True).first.wait_for()
            ours = click_times(page, "Another immigration case pending?", answers)[1:]

            rows = list(csv.reader(io.StringIO((ROOT / "sample_data" / "clean_sample.csv").read_text(encoding="utf-8"))))
            big = folder / "two-thousand.csv"
            with big.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(rows[0])
                writer.writerows(rows[1 + i % (len(rows) - 1)] for i in range(2000))
            settle(page)
            page.get_by_role("link", name="Batch check a spreadsheet").click()
            page.get_by_role("heading", name="Batch check a spreadsheet").wait_for()
            start_time = time.perf_counter()
            page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(big))
            page.get_by_role("button", name="Screen these rows").click()
            page.get_by_role("heading", name="Results for 2000 rows").wait_for(timeout=60_000)
            upload = time.perf_counter() - start_time
        finally:
            for process in (base_process, app_process):
                process.terminate()
            browser.close()
    b, o = statistics.median(baseline), statistics.median(ours)
    print(f"baseline app (1 radio):     one answer -> updated text: median {b:.0f} ms (min {min(baseline):.0f})")
    print(f"Screen one person:          one answer -> updated result: median {o:.0f} ms (min {min(ours):.0f}); "
          f"{o / b:.2f}x the baseline; target < 300 ms")
    print(f"Batch: 2,000-row upload -> results on screen: {upload:.2f} s (target < 3 s)")


if __name__ == "__main__":
    main()
