"""Accessibility (WCAG 2.1 AA): axe-core, loaded into every page in both languages, finds no serious
or critical violation. Pages are reached as a person reaches them: the language by its radio
button, the pages by the sidebar links, the batch results by a sample file and the Run button.

axe-core comes from npm, pinned in tests/a11y/package.json and package-lock.json; `make test`
installs it (`npm ci`). Nothing is fetched by the page: the script is read from disk and injected.
"""

from __future__ import annotations

import json
import os

import pytest
from playwright.sync_api import expect

from .conftest import ROOT
from .test_browser import _radio, _settle, browser, server  # noqa: F401  (fixtures: one streamlit server, one chromium)

pytestmark = pytest.mark.browser
AXE = ROOT / "tests" / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING = ("serious", "critical")



@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is not installed; `make test` installs it with npm (tests/a11y/package.json)")
        pytest.skip("axe-core is not installed (run `make test`, which runs npm ci in tests/a11y)")
    return AXE.read_text(encoding="utf-8")


def _violations(page, axe_source: str, where: str) -> list[str]:
    """The serious and critical violations axe finds on the page as it is now."""
    _settle(page)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    found = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})).violations",
        TAGS,
    )
    problems = []
    for violation in found:
        if violation["impact"] not in FAILING:
            continue
        for node in violation["nodes"]:
            target = json.dumps(node["target"])
            problems.append(f"{where}: {violation['id']} ({violation['impact']}) at {target}: {node.get('failureSummary', '')[:300]}")
    return problems


def _nav(page, name: str) -> None:
    _settle(page)
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=name).click()
    _settle(page)


NAMES = {
    "en": {"screen": "Screen one person", "batch": "Batch check a spreadsheet", "rules": "About the rules", "run": "Screen these rows",
           "status": "Immigration court case status", "review": "Administratively closed", "follow": "Follow-up", "issues": "Data issues"},
    "es": {"screen": "Evaluar a una persona", "batch": "Revisar una hoja de cálculo", "rules": "Sobre las reglas", "run": "Evaluar estas filas",
           "status": "Estado del caso en la corte de inmigración", "review": "Cierre administrativo", "follow": "Seguimiento",
           "issues": "Problemas de datos"},
}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_no_page_has_a_serious_accessibility_violation(browser, server, axe_source, lang):  # noqa: F811
    """Every page, in each language, empty and filled in (a result with its badges, a typed city,
    the mapping, the results, the call list and the data issues): no serious or critical violation."""
    # The app's Content-Security-Policy refuses inline scripts; this test context lets the test inject
    # axe-core (the app itself is unchanged: the policy is checked by the security tests).
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(server)
        page.get_by_role("heading", name="Screen one person").wait_for()
        names = NAMES[lang]
        if lang == "es":
            _radio(page, "Language / Idioma", "Español")
        page.get_by_role("heading", name=names["screen"]).wait_for()
        problems = _violations(page, axe_source, f"{lang} screen, empty")

        box = page.locator('[data-testid="stSelectbox"]').filter(has_text=names["status"]).locator("input")
        box.click()
        page.keyboard.type(names["review"])
        page.get_by_role("option", name=names["review"], exact=True).click()
        country = page.locator('[data-testid="stSelectbox"]').nth(1).locator("input")
        country.click()
        page.keyboard.type("Tijuana")
        page.keyboard.press("Enter")
        problems += _violations(page, axe_source, f"{lang} screen, answered")

        _nav(page, names["batch"])
        problems += _violations(page, axe_source, f"{lang} batch, empty")
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(ROOT / "sample_data" / "messy_english.xlsx"))
        _settle(page)
        problems += _violations(page, axe_source, f"{lang} batch, mapping")
        page.get_by_role("button", name=names["run"]).click()
        _settle(page)
        page.locator('[data-testid="stMetric"]').first.wait_for()
        problems += _violations(page, axe_source, f"{lang} batch, results")
        for tab in ("follow", "issues"):
            expect(page.get_by_role("tab", name=names[tab])).to_have_count(1)
            page.get_by_role("tab", name=names[tab]).click()
            problems += _violations(page, axe_source, f"{lang} batch, {tab} tab")

        _nav(page, names["rules"])
        problems += _violations(page, axe_source, f"{lang} rules")
        assert not problems, "\n".join(problems)
    finally:
        context.close()
