"""Files whose names, sheet names and headers are markdown that would load an image from outside or
show a link that looks like the app's own. Shared by the AppTest and browser tests of item 5."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import Workbook

BEACON = "![x](http://127.0.0.2:9/beacon.png)"
LINK = "[click](http://evil)"
# Headers the mapping profile sends to date fields, so they reach the ambiguous-date warning and
# the day/month radio's label; the others ride along into captions, errors and the table.
TRICKS = ("<b>bold</b> :red[red] :material/home: :smile: $x^2$ www.evil.example https://evil.example "
          "a@evil.example **b**")
DATE_HEADER = f"{BEACON} {LINK} {TRICKS}"
OTHER_TRICKS = ["<img src=x onerror=alert(1)>", "# heading\n- item"]


def beacon(port: int) -> str:
    """An image pointing at a listener the test runs, to prove no request reaches it."""
    return f"![x](http://127.0.0.2:{port}/beacon.png)"


def hostile_csv(extra_header: str = BEACON) -> bytes:
    """Dates like 01/02/2021 under a markdown header, plus more markdown headers and cells."""
    headers = [DATE_HEADER, LINK, extra_header, *OTHER_TRICKS, "case_status"]
    row = ["01/02/2021", LINK, BEACON, *OTHER_TRICKS, "terminated"]
    lines = [",".join(f'"{h}"' for h in headers), ",".join(f'"{v}"' for v in row)]
    return ("\n".join(lines) + "\n").encode()


def profile() -> bytes:
    """A saved mapping that reads the markdown header as the date of first return."""
    return f"columns:\n  '{DATE_HEADER}': mpp_enrollment_date\n  case_status: case_status\n".encode()


def hostile_workbook(sheet_names: tuple[str, str] = (f"{BEACON} {TRICKS}", LINK)) -> bytes:
    """An XLSX with two sheets named with markdown (Excel forbids [ ] / : in sheet names, so the
    names are written into the workbook's XML after openpyxl saves it, as a hostile file would be)."""
    book = Workbook()
    first = book.active
    first.title = "FirstSheet"
    first.append(["mpp_enrolled", "mpp_enrollment_date", "current_country", "case_status", LINK])
    first.append(["yes", "2019-07", "Mexico", "terminated", BEACON])
    second = book.create_sheet("SecondSheet")
    second.append(["full_name", BEACON])
    second.append(["Ana", LINK])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename in ("xl/workbook.xml", "docProps/app.xml"):
                text = data.decode("utf-8")
                for safe, hostile in zip(("FirstSheet", "SecondSheet"), sheet_names, strict=True):
                    escaped = hostile.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
                    text = re.sub(rf"\b{safe}\b", escaped, text)
                data = text.encode("utf-8")
            target.writestr(item, data)
    return out.getvalue()
