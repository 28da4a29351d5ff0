"""Regenerate sample_data/: synthetic, obviously fake people only.

    python scripts/make_sample_data.py

- intake_template.xlsx   blank template: description row, canonical headers, drop-downs
- clean_sample.csv       canonical headers, one row per kind of result
- messy_spanish.csv      cp1252, ';' delimiter, Spanish headers and words, day-first dates
- messy_english.xlsx     title rows, English headers, mixed date cells (real dates, text, serials)
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from openpyxl import Workbook

from eligibility.model import FIELDS
from eligibility.template import template_workbook

OUT = Path(__file__).resolve().parents[1] / "sample_data"

CLEAN = [
    # client_id, full_name, a_number, dob, nationality, enrolled, enrol date, country, entered, status, order, appeal, other, notes
    ("S-001", "Test Person Uno", "A012-345-601", "1988-04-02", "Honduras", "yes", "2019-07-15", "Mexico", "no", "removal_order_in_absentia", "2020-02-11", "", "", "Synthetic example"),
    ("S-002", "Test Person Dos", "012345602", "1992-11-30", "Guatemala", "yes", "2019-10", "Guatemala", "", "terminated", "", "", "", ""),
    ("S-003", "Test Person Tres", "A 012 345 603", "1979-01-19", "El Salvador", "yes", "2020", "El Salvador", "no", "removal_order", "2020-09-01", "no", "no", ""),
    ("S-004", "Test Person Cuatro", "12345604", "1990-06-06", "Cuba", "yes", "2021-03-10", "Mexico", "", "terminated", "", "", "", "returned after suspension"),
    ("S-005", "Test Person Cinco", "012345605", "1985-08-21", "Venezuela", "yes", "2022-02-01", "Mexico", "", "pending", "", "", "", "MPP 2.0"),
    ("S-006", "Test Person Seis", "012345606", "1995-03-14", "Honduras", "yes", "2019-05-20", "United States", "yes", "relief_granted", "", "", "", "paroled in 2021"),
    ("S-007", "Test Person Siete", "", "", "Nicaragua", "yes", "2019-12", "", "", "", "", "", "", "ask location and case"),
    ("S-008", "Test Person Ocho", "012345608", "1983-02-28", "Mexico", "yes", "2019-08-01", "Mexico", "", "dismissed", "", "", "", "Mexican national"),
    ("S-009", "Test Person Nueve", "012345609", "2001-09-09", "Honduras", "yes", "2020-01-15", "Honduras", "yes", "removal_order_in_absentia", "2020-11-02", "", "", "entered and left"),
    ("S-010", "Test Person Diez", "012345610", "1975-12-12", "Guatemala", "no", "", "Guatemala", "", "removal_order_final", "", "", "", "never in MPP"),
    ("S-011", "Test Person Once", "012345611", "1999-07-07", "Ecuador", "yes", "2019-09", "Mexico", "no", "administratively_closed", "", "", "", ""),
    ("S-012", "Test Person Doce", "012345612", "1991-01-01", "Honduras", "", "", "Mexico", "", "removal_order_in_absentia", "", "", "", "confirm MPP"),
]

SPANISH_HEADERS = [
    "Expediente", "Nombre completo", "Número A", "Fecha de nacimiento", "Nacionalidad", "¿Estuvo en MPP?",
    "Fecha de regreso a México", "País actual", "¿Entró a EE.UU. después de MPP?", "Estado del caso",
    "Fecha de la orden", "Apelación", "Otro caso pendiente", "Observaciones",
]
SPANISH_ROWS = [
    ("E-101", "Ejemplo Ficticio Pérez", "A-012.345.701", "25/12/1990", "hondureña", "sí", "15/07/2019", "Tijuana", "no", "Orden de deportación en ausencia", "03/02/2020", "", "", "ejemplo"),
    ("E-102", "Ejemplo Ficticio Núñez", "12345702", "03/04/1987", "guatemalteco", "Si", "julio 2019", "Guatemala", "", "Terminado", "", "", "", ""),
    ("E-103", "Ejemplo Ficticio Ibáñez", "", "14/02/1993", "salvadoreña", "SÍ", "2020", "Cd. Juárez", "No", "orden de deportación", "20/08/2020", "no", "no", "sin apelación"),
    ("E-104", "Ejemplo Ficticio Muñoz", "012345704", "", "cubano", "sí", "marzo 2021", "México", "", "Cierre administrativo", "", "", "", ""),
    ("E-105", "Ejemplo Ficticio Peña", "012345705", "01/01/1980", "venezolana", "sí", "10/01/2022", "Matamoros", "", "Caso pendiente", "", "", "", "MPP 2.0"),
    ("E-106", "Ejemplo Ficticio Ordóñez", "012345706", "30/06/1996", "hondureño", "no sé", "", "", "", "", "", "", "", "llamar de nuevo"),
    ("E-107", "Ejemplo Ficticio Peñaloza", "012345707", "31/13/1990", "nicaragüense", "sí", "05/11/2019", "Estados Unidos", "sí", "Asilo otorgado", "", "", "", "fecha de nacimiento mal escrita"),
    ("E-108", "Ejemplo Ficticio Gómez", "012345708", "12/05/1984", "ecuatoriano", "sí", "sept 2019", "Reynosa", "", "Apelación pendiente", "", "", "", ""),
    ("E-109", "Ejemplo Ficticio Pérez", "A-012.345.701", "25/12/1990", "hondureña", "sí", "15/07/2019", "Tijuana", "", "Orden de deportación en ausencia", "", "", "", "duplicado"),
    ("E-110", "Ejemplo Ficticio Álvarez", "012345710", "09/09/1999", "hondureña", "sí", "agosto 2020", "Honduras", "", "Salida voluntaria", "", "", "", ""),
]

ENGLISH_HEADERS = [
    "Case #", "Client Name", "A#", "DOB", "Nationality", "In MPP? (Y/N)", "Date returned to Mexico", "Current location",
    "Entered US since MPP?", "EOIR status", "Order date (IJ)", "Appeal filed?", "Other case pending (MPP 2.0)", "Staff notes", "Intake worker",
]
ENGLISH_ROWS = [
    ("K-201", "Sample Client Alpha", "A012345801", dt.date(1989, 5, 17), "Honduran", "Y", dt.date(2019, 3, 4), "Mexico", "N", "Ordered removed in absentia", dt.date(2020, 1, 9), "", "", "", "JD"),
    ("K-202", "Sample Client Bravo", "12345802", "07/23/1991", "Guatemalan", "yes", "Jul 2019", "Guatemala City, Guatemala", "", "Proceedings terminated", "", "", "", "", "JD"),
    ("K-203", "Sample Client Charlie", "012-345-803", 33000, "Salvadoran", "Y", 43831, "San Salvador", "", "IA order", "", "", "", "serial dates", "MK"),
    ("K-204", "Sample Client Delta", "A 0123 45804", "1990", "Cuban", "yes", "2021", "Mexico", "", "This case is pending.", "", "", "", "", "MK"),
    ("K-205", "Sample Client Echo", "012345805", dt.date(1977, 10, 1), "Venezuelan", "yes", "February 2020", "Nuevo Laredo", "", "BIA appeal pending", "", "yes", "", "", "JD"),
    ("K-206", "Sample Client Foxtrot", "", "", "Honduran", "", "", "", "", "", "", "", "", "new intake", "AB"),
    ("K-207", "Sample Client Golf", "012345807", dt.date(1985, 2, 2), "Nicaraguan", "Y", dt.date(2020, 6, 30), "Mexico", "", "Removal order", "10/15/2020", "N", "", "", "AB"),
    ("K-208", "Sample Client Hotel", "012345808", dt.date(1993, 8, 8), "Mexican", "Y", dt.date(2019, 9, 9), "Mexico", "", "Admin closed", "", "", "", "", "MK"),
    ("K-209", "Sample Client India", "012345809", dt.date(1982, 4, 4), "Honduran", "Y", dt.date(2019, 11, 11), "Houston, TX", "Y", "Asylum granted", "", "", "", "", "JD"),
    ("K-210", "Sample Client Juliet", "012345810", dt.date(1998, 12, 24), "Guatemalan", "Y", "sometime in 2019?", "Mexico", "", "Motion to reopen pending", "", "", "", "garbled date", "AB"),
    ("K-211", "=HYPERLINK(\"http://example.invalid\",\"click\")", "012345811", dt.date(1990, 1, 1), "Honduran", "Y", dt.date(2019, 4, 1), "Tijuana", "", "Terminated", "", "", "", "+formula test", "AB"),
]


def clean_csv() -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIELDS)
    writer.writerows(CLEAN)
    return buffer.getvalue().encode("utf-8")


def spanish_csv() -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(SPANISH_HEADERS)
    writer.writerows(SPANISH_ROWS)
    return buffer.getvalue().encode("cp1252")


def english_workbook() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Clients"
    sheet.append(["Legal Aid Intake Export: MPP follow-up list (SYNTHETIC TEST DATA)"])
    sheet.append(["Exported 2026-11-20"])
    sheet.append([])
    sheet.append(ENGLISH_HEADERS)
    for row in ENGLISH_ROWS:
        sheet.append(list(row))
    for cells in sheet.iter_rows(min_row=5):
        for cell in cells:
            if isinstance(cell.value, dt.date):
                cell.number_format = "mm/dd/yyyy"
            elif isinstance(cell.value, str) and cell.value.startswith(("=", "+")):
                cell.data_type = "s"  # text that looks like a formula: tests that reports never run it
    notes = workbook.create_sheet("Notes")
    notes.append(["This sheet is not client data."])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> None:
    OUT.mkdir(exist_ok=True)
    (OUT / "intake_template.xlsx").write_bytes(template_workbook("en"))
    (OUT / "clean_sample.csv").write_bytes(clean_csv())
    (OUT / "messy_spanish.csv").write_bytes(spanish_csv())
    (OUT / "messy_english.xlsx").write_bytes(english_workbook())
    print(f"Wrote sample files to {OUT}")


if __name__ == "__main__":
    main()
