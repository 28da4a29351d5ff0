"""The one-person screening record (PDF, fpdf2 with DejaVu Sans for full Unicode). No pyarrow here."""

from __future__ import annotations

from pathlib import Path

from .. import __version__
from ..engine import Determination
from ..i18n import t
from ..model import IntakeRecord
from ..rules import RuleSet
from ..text import country_name
from .stamp import now


def record_facts(record: IntakeRecord, lang: str) -> list[tuple[str, str]]:
    """The facts entered for one person, as label/value pairs in ``lang``."""
    out = []
    for name, value in record.facts().items():
        if name in ("nationality", "current_country") and value:
            value = country_name(value, lang)
        elif name == "case_status" and value:
            value = t(f"status_value.{value}", lang)
        elif value in ("yes", "no"):
            value = t(f"answer.{value}", lang)
        out.append((t(f"field.{name}", lang), value or t("answer.unknown", lang)))
    return out


def screening_pdf(record: IntakeRecord, determination: Determination, ruleset: RuleSet, lang: str = "en") -> bytes:
    """The printable screening record for one person (fpdf2, DejaVu Sans for full Unicode)."""
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
    heading(f"{t('pdf.outcome', lang)}: {determination.label(lang)}", 14)
    para(ruleset.rules.disclaimer.get(lang), 9)

    heading(t("pdf.facts", lang))
    pdf.set_font("DejaVu", "", 9.5)
    label_width = width * 45 / 120
    for label, value in record_facts(record, lang):
        # label and value side by side; a long value (notes) wraps, even inside one long word, and
        # runs on over as many pages as it needs (a table row would have to fit on one page)
        top, page = pdf.get_y(), pdf.page_no()
        pdf.multi_cell(label_width, 5, label, new_x=XPos.RIGHT, new_y=YPos.TOP)
        label_end = pdf.get_y() if pdf.page_no() == page else None
        pdf.set_xy(pdf.l_margin + label_width, top)
        pdf.multi_cell(width - label_width, 5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if pdf.page_no() == page and label_end is not None:
            pdf.set_y(max(pdf.get_y(), label_end))
        pdf.ln(1)

    heading(t("pdf.elements", lang))
    for element in determination.elements:
        para(f"{element.title.get(lang)}: {element.status_label.get(lang)}", 10.5, bold=True)
        para(f"{t('pdf.words', lang)}: \u201c{element.words}\u201d", 9)
        para(f"{t('pdf.reason', lang)}: {element.reason(lang)}", 10)
        para(f"{t('pdf.citation', lang)}: {' '.join(element.citation.split())}", 8)
        pdf.ln(1.5)

    if determination.questions:
        heading(t("pdf.questions", lang))
        for number, question in enumerate(determination.questions, start=1):
            para(f"{number}. {question.text(lang)}")
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
