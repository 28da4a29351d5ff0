"""The one-person screening record (PDF, fpdf2 with DejaVu Sans for full Unicode). No pyarrow here."""

from __future__ import annotations

from pathlib import Path

from .. import __version__
from ..engine import Determination
from ..fields import COUNTRY_FIELDS, FIELDS, TEXT_FIELDS, YES_NO_FIELDS
from ..i18n import t
from ..model import CaseStatus, IntakeRecord
from ..rules import RuleSet
from ..text import country_name
from .stamp import now


def fact_text(record: IntakeRecord, field: str, ruleset: RuleSet, lang: str) -> str:
    """One fact as a person reads it: the canonical value in words, or the cell as written and how
    it was read ("“Tijuana” → Mexico"); "" when nothing was entered."""
    value = getattr(record, field)
    reading = record.reading(field)
    if reading is not None:
        read = reading.reading.get(lang) if reading.reading is not None else t("pdf.not_read", lang)
        return f"“{reading.text}” → {read}"
    if value is None or value == "unknown":
        return ""
    if isinstance(value, CaseStatus):
        return "; ".join(ruleset.status_label(c).get(lang) for c in value.codes)
    if field in COUNTRY_FIELDS and isinstance(value, str):
        return country_name(value, lang)
    if field in YES_NO_FIELDS:
        return t(f"answer.{value}", lang)
    return value.get(lang) if hasattr(value, "get") else str(value)


def record_facts(record: IntakeRecord, lang: str, ruleset: RuleSet) -> list[tuple[str, str]]:
    """The facts entered for one person, as label/value pairs in ``lang``: a fact not known reads
    "Unknown"; a free-text field left empty (notes) prints nothing."""
    out = []
    for name in FIELDS:
        text = fact_text(record, name, ruleset, lang)
        if (name in TEXT_FIELDS or name == "eoir_text") and not text:  # free text left empty (the portal text is read into the case facts)
            continue
        out.append((t(f"field.{name}", lang), text or t("answer.unknown", lang)))
    return out


def screening_pdf(
    record: IntakeRecord, determination: Determination, ruleset: RuleSet, lang: str = "en", *, screener: str = "", reference: str = ""
) -> bytes:
    """The printable screening record for one person (fpdf2, DejaVu Sans for full Unicode).

    ``screener``: who screened the person; ``reference``: this screening's reference. Each is
    printed when given."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    fonts = Path(__file__).resolve().parents[1] / "fonts"
    pdf = FPDF(format="Letter")
    pdf.set_title(t("pdf.title", lang))
    pdf.set_creator(f"mpp1-class-screening {__version__}")
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.epw

    def heading(text: str, size: int = 12) -> None:
        pdf.ln(2)
        pdf.set_font("DejaVu", "B", size)
        pdf.multi_cell(width, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def para(text: str, size: int = 10, bold: bool = False) -> None:
        pdf.set_font("DejaVu", "B" if bold else "", size)
        pdf.multi_cell(width, 5.2, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    heading(t("pdf.title", lang), 15)
    para(f"{ruleset.rules.case.name}, {ruleset.rules.case.docket} ({ruleset.rules.case.court})", 9)
    if screener.strip() or reference.strip():
        para(" · ".join(
            text for text in (
                t("pdf.screener", lang, name=screener.strip()) if screener.strip() else "",
                t("pdf.reference", lang, reference=reference.strip()) if reference.strip() else "",
            ) if text
        ), 9.5)
    heading(f"{t('pdf.outcome', lang)}: {determination.label(lang)}", 14)
    para(ruleset.rules.disclaimer.get(lang), 9)

    heading(t("pdf.facts", lang))
    pdf.set_font("DejaVu", "", 9.5)
    label_width = width * 45 / 120
    for label, value in record_facts(record, lang, ruleset):
        # label and value side by side; a long value (notes) wraps, even inside one long word, and
        # runs on over as many pages as it needs (a table row would have to fit on one page)
        lines = pdf.multi_cell(label_width - 2, 5, label, align="L", dry_run=True, output="LINES")
        if pdf.get_y() + 5 * len(lines) > pdf.page_break_trigger:
            pdf.add_page()  # a label is never split over two pages
        top, page = pdf.get_y(), pdf.page_no()
        # (the label's own end, below its last line, so a label on two lines never meets the next)
        pdf.multi_cell(label_width - 2, 5, label, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        label_end = pdf.get_y()
        pdf.set_xy(pdf.l_margin + label_width, top)
        pdf.multi_cell(width - label_width, 5, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if pdf.page_no() == page:
            pdf.set_y(max(pdf.get_y(), label_end))
        pdf.ln(1)

    heading(t("pdf.elements", lang))
    for element in determination.elements:
        para(f"{element.paragraph} {element.title.get(lang)}: {element.status_label.get(lang)}", 10.5, bold=True)
        para(f"{t('pdf.words', lang)}: \u201c{element.words}\u201d", 9)
        para(f"{t('pdf.reason', lang)}: {element.reason(lang)}", 10)
        para(f"{t('pdf.citation', lang)}: {' '.join(element.citation.split())}", 8)
        pdf.ln(1.5)

    if determination.questions:
        heading(t("pdf.questions", lang))
        for number, question in enumerate(determination.questions, start=1):
            para(f"{number}. {question.text(lang)}")
    if determination.recheck_on:
        heading(t("pdf.recheck", lang))
        para(t("pdf.recheck_text", lang, date=determination.recheck_on.isoformat()))
    if determination.documents:
        heading(t("pdf.bring", lang))
        for document in determination.documents:
            para(f"\u2022 {document.get(lang)}")
    if determination.notes:
        heading(t("pdf.notes", lang))
        for note in determination.notes:
            para(f"\u2022 {note.text(lang)}")
    if determination.data_issues:
        heading(t("pdf.data_issues", lang))
        for issue in determination.data_issues:
            para(f"\u2022 {issue.message.text(lang)}")

    heading(t("pdf.stamp", lang), 10)
    para(
        t(
            "pdf.stamp_text",
            lang,
            as_of=determination.as_of.isoformat(),
            version=determination.rules_version,
            hash=determination.rules_hash[:12],
            generated=now(),
            tool=__version__,
        ),
        8.5,
    )
    return bytes(pdf.output())
