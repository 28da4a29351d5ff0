"""Staff's flows in a real browser: sidebar navigation keeps the session, the interview form, the
mapping, the call list, the as-of date, and the keyboard. Playwright drives Debian's chromium
against `streamlit run` (fixtures from test_browser); every step is a click, a key or an upload."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from .test_browser import _radio, _select, _settle, _shot, browser, server  # noqa: F401  (fixtures: one streamlit server, one chromium)

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, server):  # noqa: F811  (the fixtures imported above)
    """A fresh browser session (its own context) on the app's first page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="en-US")
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    tab.goto(server)
    tab.get_by_role("heading", name="Screen one person").wait_for()
    yield tab
    context.close()


def _nav(page, name: str) -> None:
    """Click a page's link in the sidebar (a new URL would be a new session and prove nothing)."""
    _settle(page)
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=name).click()
    _settle(page)


def _type_place(page, label: str, text: str) -> None:
    """Type a place in a country box and press Enter, as staff do with a city."""
    _settle(page)
    page.locator('[data-testid="stSelectbox"]').filter(has_text=label).locator("input").click()
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    _settle(page)


def _text(page, label: str, value: str) -> None:
    _settle(page)
    field = page.get_by_label(label, exact=True)
    field.fill(value)
    field.press("Enter")
    _settle(page)


def test_language_date_and_answers_survive_clicking_between_pages(page):
    """Español, a client ID, a typed city and a new as-of date survive a visit to the other pages
    through the sidebar links; the Spanish page reads "Mexico" as México."""
    _radio(page, "Language / Idioma", "Español")
    page.get_by_role("heading", name="Evaluar a una persona").wait_for()
    _text(page, "ID del cliente", "K-77")
    _type_place(page, "País donde está la persona ahora", "Mexico")
    page.get_by_text("“Mexico” se leyó como: México").wait_for()
    year = page.locator('[data-testid="stSidebar"] [data-type="year"]')
    year.click()
    page.keyboard.type("2025")
    for _ in range(3):  # out of the date's parts: the date is committed when focus leaves it
        page.keyboard.press("Tab")
    _settle(page)
    _nav(page, "Revisar una hoja de cálculo")
    page.get_by_role("heading", name="Revisar una hoja de cálculo").wait_for()
    _nav(page, "Sobre las reglas")
    page.get_by_role("heading", name="Sobre las reglas").wait_for()
    _nav(page, "Evaluar a una persona")
    page.get_by_role("heading", name="Evaluar a una persona").wait_for()
    assert page.get_by_label("ID del cliente", exact=True).input_value() == "K-77"
    page.get_by_text("“Mexico” se leyó como: México").wait_for()
    assert year.inner_text() == "2025"
    page.locator('[data-testid="stCaptionContainer"]').filter(has_text="2025-").first.wait_for()  # the result's stamp


def test_a_typed_city_counts_and_the_next_person_starts_clean(page, tmp_path):
    """'Tijuana' is read as Mexico, element (b) is met; the PDF is named with the client ID and the
    date and names the screener; "Screen the next person" empties the form and keeps the screener."""
    _text(page, "Screened by", "Ana Pérez")
    _text(page, "Client ID", "K-201")
    _type_place(page, "Country the person is in now", "Tijuana")
    page.get_by_text("“Tijuana” read as: Mexico", exact=True).wait_for()
    assert "Met" in page.locator('[data-testid="stMarkdownContainer"]').filter(has_text="(b) Remains outside").first.inner_text()
    _type_place(page, "Nationality", "Tegucigalpa")
    page.get_by_text("Choose the country from the list if you know it.").first.wait_for()
    _shot(page, "typed-city")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download screening record (PDF)").click()
    assert download.value.suggested_filename == f"screening-K-201-{dt.date.today().isoformat()}.pdf"
    page.get_by_role("button", name="Screen the next person").click()
    expect(page.get_by_label("Client ID", exact=True)).to_have_value("")
    expect(page.get_by_text("“Tijuana” read as: Mexico")).to_have_count(0)
    expect(page.get_by_label("Screened by", exact=True)).to_have_value("Ana Pérez")


def test_the_order_date_appears_only_for_a_removal_order(page):
    """The order date and the appeal are asked once the status is a removal order, not before."""
    assert not page.get_by_text("Date of the removal order", exact=True).count()
    _settle(page)
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Immigration court case status").locator("input").click()
    page.keyboard.type("finality")
    page.get_by_role("option", name="Removal order (finality not recorded)").click()
    _settle(page)
    page.get_by_text("Date of the removal order", exact=True).wait_for()
    page.get_by_text("Appeal filed with the BIA?", exact=True).wait_for()
    _select(page, "Immigration court case status", "Case pending")
    expect(page.get_by_text("Date of the removal order", exact=True)).to_have_count(0)


def test_tab_runs_through_the_form_in_interview_order(page):
    """From "Screened by" to "Notes", Tab stops once per question, row by row, with no extra stops."""
    page.get_by_label("Screened by", exact=True).focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus by keyboard: the focus ring shows
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    names = []
    for _ in range(40):
        names.append(page.evaluate("""() => { const e = document.activeElement, group = e.closest('[role="radiogroup"]');
            return (group && group.getAttribute('aria-label')) || e.getAttribute('aria-label')
                || (e.labels && e.labels[0] ? e.labels[0].innerText : e.tagName === 'SUMMARY' ? e.innerText.split('\\n').pop() : e.tagName); }"""))
        if page.evaluate("document.activeElement.tagName") == "TEXTAREA":
            break
        page.keyboard.press("Tab")
    expected = ["Screened by", "Client ID", "Full name", "A-number", "Nationality", "Date of birth", "Returned to Mexico under MPP?",
                "Date first returned to Mexico", "Arrived at the border as an unaccompanied child?", "Country the person is in now",
                "Entered the U.S. since MPP?", "Paste from EOIR's case portal", "Immigration court case status",
                "Another immigration case pending?", "Notes"]
    assert [n.strip() for n in names] == expected
    print(f"\n[measure] Tab presses from the first to the last field: {len(names) - 1} (14 fields and the EOIR paste box)")


def test_date_parts_have_names_of_their_own(page):
    """Two dates given as month and year: four boxes, four different names ("Date of birth: month")."""
    _radio(page, "Date of birth", "Month and year")
    _radio(page, "Date first returned to Mexico", "Month and year")
    names = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stSelectbox"] input, [data-testid="stNumberInput"] input')]
        .map(e => e.getAttribute('aria-label') || (e.labels && e.labels[0] && e.labels[0].innerText) || '')""")
    parts = [n for n in names if n.endswith((": month", ": year"))]
    assert sorted(parts) == ["Date first returned to Mexico: month", "Date first returned to Mexico: year", "Date of birth: month",
                             "Date of birth: year"]


EXPORT = (
    "Alien Number,First Name,Last Name,In MPP,MPP Return Date,Lives in,Case Disposition,Disposition Date,BIA Appeal,Phone\n"
    "A# 219-001-223,Ana,Sample,yes,2019-07-15,Tijuana,removal order,{order},no,555-0101\n"
    "A 012-345-678,Luis,Example,yes,2019-08-01,Guatemala,terminated,,,555-0102\n"
    "A 012-345-679,Rosa,Test,,,,,,,555-0103\n"
)


def test_staff_fix_a_column_with_one_choice_and_carry_the_phone_into_the_call_list(page, tmp_path):
    """An unrecognised column is set with its drop-down (open, type, choose); the row says "your choice".
    The Phone column goes into the call list on screen and into the report's Follow-up sheet."""
    order = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    source = tmp_path / "export.csv"
    source.write_text(EXPORT.format(order=order), encoding="utf-8")
    _nav(page, "Batch check a spreadsheet")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(source))
    _settle(page)
    box = page.get_by_label("Read the column “Lives in” as")
    box.click()
    page.keyboard.type("Country the")  # the list is long: a few letters bring the choice into view
    page.get_by_role("option", name="Country the person is in now", exact=True).click()
    _settle(page)
    row = page.locator('[data-testid="stHorizontalBlock"]').filter(has=page.get_by_label("Read the column “Lives in” as"))
    expect(row).to_contain_text("your choice")
    expect(row).to_contain_text("100%")
    _shot(page, "mapping")
    page.get_by_role("button", name="Screen these rows").click()
    page.get_by_role("heading", name="Results for 3 rows").wait_for()
    _settle(page)
    chooser = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Also carry these columns")
    chooser.locator("input").click()
    page.keyboard.type("Pho")
    page.get_by_role("option", name="Phone", exact=True).click()
    page.keyboard.press("Escape")
    _settle(page)
    expect(page.get_by_role("tab", name="Follow-up")).to_have_count(1)  # the rerun after the choice has drawn the tabs anew
    page.get_by_role("tab", name="Follow-up").click()
    _settle(page)
    _shot(page, "call-list")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download report (XLSX)").click()
    path = tmp_path / "report.xlsx"
    download.value.save_as(path)
    rows = list(load_workbook(path)["Follow-up"].iter_rows(values_only=True))
    header = list(rows[0])
    assert "Phone" in header and "Name" in header
    by_name = {r[header.index("Name")]: r for r in rows[1:]}
    assert by_name["Ana Sample"][header.index("Result")] == "Attorney review needed"
    assert by_name["Ana Sample"][header.index("Phone")] == "555-0101"
    assert rows[1][header.index("Name")] == "Ana Sample", "a re-check date comes first"


def test_a_date_picked_in_the_calendar_updates_the_counts_at_once(page):
    """Picking a new as-of date re-screens the uploaded rows: no stale counts, no second click on Run."""
    order = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    _nav(page, "Batch check a spreadsheet")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(
        files=[{"name": "export.csv", "mimeType": "text/csv", "buffer": EXPORT.replace("Lives in", "Residence Country").format(order=order).encode()}]
    )
    _settle(page)
    page.get_by_role("button", name="Screen these rows").click()
    page.get_by_role("heading", name="Results for 3 rows").wait_for()
    _settle(page)
    review = page.locator('[data-testid="stMetric"]').filter(has_text="Attorney review needed")
    assert review.locator('[data-testid="stMetricValue"]').inner_text() == "1"
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Choose date").click()
    for _ in range(2):  # two months on: well past the 30-day appeal period and any holiday
        page.get_by_role("button", name="Next", exact=False).first.click()
    page.locator('[role="gridcell"]:not([aria-disabled="true"])').filter(has_text="28").first.click()
    today = dt.date.today()
    later = dt.date(today.year + (today.month + 1) // 12, (today.month + 1) % 12 + 1, 28)
    page.get_by_role("heading", name=f"Results for 3 rows, as of {later.isoformat()}").wait_for()
    _settle(page)
    assert review.locator('[data-testid="stMetricValue"]').inner_text() == "0"


def test_answers_show_in_the_new_language_after_switching(page):
    """A chosen yes/no, a date's precision, a month and a case status still show as chosen, in the
    new words, after a click on Español (the browser holds the words, so each value is sent again)."""
    _radio(page, "Returned to Mexico under MPP?", "Yes")
    _radio(page, "Date first returned to Mexico", "Month and year")
    _select(page, "Date first returned to Mexico: month", "July")
    _select(page, "Immigration court case status", "Removal order in absentia")
    _radio(page, "Language / Idioma", "Español")
    page.get_by_role("heading", name="Evaluar a una persona").wait_for()
    _settle(page)
    enrolled = page.locator('[data-testid="stRadio"]').filter(has_text="¿Fue devuelta a México bajo MPP?")
    expect(enrolled.get_by_role("radio", name="Sí", exact=True)).to_be_checked()
    precision = page.locator('[data-testid="stRadio"]').filter(has_text="Fecha de la primera devolución a México").first
    expect(precision.get_by_role("radio", name="Mes y año", exact=True)).to_be_checked()
    month = page.locator('[data-testid="stSelectbox"]').filter(has_text="Fecha de la primera devolución a México: mes")
    expect(month.locator("input")).to_have_value("Julio")
    status = page.locator('[data-testid="stSelectbox"]').filter(has_text="Estado del caso en la corte de inmigración")
    expect(status.locator("input")).to_have_value("Orden de deportación en ausencia")
    _radio(page, "Language / Idioma", "English")
    page.get_by_role("heading", name="Screen one person").wait_for()
    _settle(page)
    expect(page.locator('[data-testid="stRadio"]').filter(has_text="Returned to Mexico under MPP?").get_by_role(
        "radio", name="Yes", exact=True)).to_be_checked()
    expect(page.locator('[data-testid="stSelectbox"]').filter(has_text="Immigration court case status").locator("input")).to_have_value(
        "Removal order in absentia")
