"""Text pasted from EOIR's case portal -> the case fields it settles, each with the sentence it came from.

Staff look a client up in EOIR's Automated Case Information portal and paste what it says. The
text is read with the wording of ``rules/eoir_portal.yaml`` and the case-status vocabulary, by the
same :class:`~eligibility.normalize.StatusReader` that reads status cells:

1. line by line: section headings, labels (whose values, names and addresses, are never read)
   and page furniture are known and set aside; every other line is running text, joined again
   where it was broken in odd places and cut into sentences;
2. each sentence is read as a status cell is (several statuses, negations, hedges, unfinished
   mentions), plus the portal's own sentences, some of which read so only under one heading;
3. the sentences together settle the case status, the date of the removal order, whether an
   appeal was filed, and whether another case is pending, each as a :class:`Read` that quotes the
   sentences it rests on.

Never guess (contract version 2): a sentence the tool does not know leaves the case status
unknown, quoted; text that records several events is several statuses (attorney review); "No case
information found" is the status ``no_eoir_record``. Fields the text does not settle are absent.

:meth:`PortalReader.merge` is the one place a portal reading meets the other fields of the same
person (the form, ``eligibility person`` and the batch all call it): it fills only what they leave
blank; where it disagrees with them the fact is several statuses or a
:class:`~eligibility.model.Conflict`, which the rules send to review, quoting both.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Literal, NamedTuple

from .cells import cell_text, is_blank
from .fields import PORTAL_FIELDS
from .i18n import CatalogText, msg
from .model import CaseStatus, Conflict, DataIssue, DateReadings, PartialDate, Reading, readings_of
from .normalize import Read, StatusReader, appeal_meaning, quote, read_date, status_meaning
from .phrases import Phrases, fold
from .rules import PortalLabel, RuleSet, Text

DateValue = PartialDate | DateReadings

_DATES = re.compile(
    r"\b(?:[A-Za-zÀ-ÿ]{3,10}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"  # January 5, 2020
    r"|\d{1,2}\s+(?:de\s+)?[A-Za-zÀ-ÿ]{3,10}\.?,?\s+(?:de\s+|del\s+)?\d{4}"  # 5 de enero de 2020
    r"|\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{1,2}-\d{1,2})\b"  # 01/05/2020, 2020-01-05
)
"""Candidates for a date inside a sentence; only those ``read_date`` reads to a day count."""
_SENTENCE_END = re.compile(r"[.!?]+[\"”»)]*\s+(?=[¿¡\"“«(]?[A-ZÀ-Þ])")
_HAS_LETTER = re.compile(r"[^\W\d_]")


class Sentence(NamedTuple):
    """One sentence of the pasted text (or a label's date), and what it says.

    ``why`` is set when it could not be read with certainty (it is quoted). ``kind`` is
    ``"decision_date"`` for the value of a decision-date label.
    """

    text: str
    section: str | None
    codes: tuple[str, ...] = ()
    appeal: str | None = None
    other_case: str | None = None
    dates: tuple[tuple[str, DateValue], ...] = ()
    why: Text | None = None
    kind: Literal["sentence", "decision_date"] = "sentence"

    @property
    def says_nothing(self) -> bool:
        """A known sentence that settles none of the fields ("There are no future hearings ...")."""
        return self.why is None and not self.codes and self.appeal is None and self.other_case is None


class Found(NamedTuple):
    """A field the text settles: its read (quoting its sentences), the sentences, and the value as
    ``eligibility person`` reads it back ("" when the text leaves it unknown)."""

    field: str
    read: Read
    sentences: tuple[str, ...]
    written: str


class PortalReading(NamedTuple):
    """What a pasted text says: the fields it settles, every sentence read, and a data issue when
    a sentence could not be read."""

    found: tuple[Found, ...]
    sentences: tuple[Sentence, ...]
    issue: DataIssue | None = None

    @property
    def fields(self) -> dict[str, Found]:
        return {f.field: f for f in self.found}

    @property
    def unknown(self) -> tuple[Sentence, ...]:
        """The sentences the tool does not know (each quoted where the case status is)."""
        return tuple(s for s in self.sentences if s.why is not None and s.kind == "sentence")


class _Shown(NamedTuple):
    """A date as a reading names it ("read as: 2020-01-05")."""

    value: Any

    def get(self, lang: str) -> str:
        return self.value.get(lang) if isinstance(self.value, DateReadings) else str(self.value)


class PortalReader:
    """The wording of EOIR's portal (``eoir_portal.yaml``), compiled once per rule set."""

    def __init__(self, ruleset: RuleSet, statuses: StatusReader) -> None:
        portal = ruleset.portal
        self.statuses = statuses
        self.why = portal.why
        self.vocabulary_why = ruleset.vocabulary.why
        self.order_statuses = frozenset(portal.order_date.statuses)
        self.headings = {fold(h): s.id for s in portal.sections for h in s.headings}
        self.labels: dict[str, PortalLabel] = {fold(n): label for label in portal.labels for n in label.names}
        self.colon = {fold(n) for label in portal.labels for n in label.names if n.endswith(":")}
        self.furniture = {fold(line) for group in portal.furniture for line in group.lines}
        section_ids = [None, *dict.fromkeys(s.id for s in portal.sections)]
        # A heading run into a sentence ("Next Hearing Information There are no future hearings ...",
        # as a wrapped e-mail has it) is known and says nothing: never "next hearing" (pending).
        headings = [(h, "no_status") for s in portal.sections for h in s.headings]
        self.readers = {section: StatusReader(ruleset, [*headings, *self._extra(portal, section)]) for section in section_ids}
        self.other = Phrases()
        for sentence in portal.sentences:
            if sentence.reads.other_case:
                self.other.add_all(sentence.phrases, sentence.reads.other_case)

    @staticmethod
    def _extra(portal: Any, section: str | None) -> list[tuple[str, Any]]:
        """The portal's phrases with their meanings under one heading (None: before any heading)."""
        extra: list[tuple[str, Any]] = []
        for sentence in portal.sentences:
            meanings: list[Any] = []
            if sentence.sections is not None and section not in sentence.sections:
                meanings = ["incomplete"]  # says what it is about only under its own heading
            else:
                if sentence.reads.status:
                    meanings.append(status_meaning(sentence.reads.status))
                if sentence.reads.appeal:
                    meanings.append(appeal_meaning(sentence.reads.appeal))
                if not meanings:
                    meanings = ["no_status"]  # known, settles nothing here
            extra += [(phrase, meaning) for phrase in sentence.phrases for meaning in meanings]
        return extra

    # ------------------------------------------------------------------------------- reading

    def read(self, value: Any) -> Read:
        """Read a pasted text: ``Read(PortalReading)``, with a data issue when a sentence was not
        known; ``Read(None)`` for a blank one."""
        if is_blank(value):
            return Read(None)
        reading = self.read_text(cell_text(value))
        return Read(reading, None, reading.issue)

    def read_text(self, text: str) -> PortalReading:
        """Read the text pasted from the portal into the fields it settles.

        >>> from eligibility.normalize import normalizer_for
        >>> from eligibility.rules import load_rules
        >>> reader = normalizer_for(load_rules()).portal
        >>> found = reader.read_text("On January 15, 2020, the immigration judge ordered ANA GARCIA removed in absentia."
        ...                          " No appeal was received for this case.").fields
        >>> found["case_status"].written, found["order_date"].written, found["appeal_filed"].written
        ('removal_order_in_absentia', '2020-01-15', 'no')
        """
        sentences = tuple(self._sentences(text))
        found: list[Found] = []
        for build in (self._case_status, self._order_date, self._answer("appeal_filed"), self._answer("other_case_pending")):
            result = build(sentences)
            if result is not None:
                found.append(result)
        unknown = [s for s in sentences if s.why is not None and s.kind == "sentence"]
        issue = None
        if unknown:
            first = unknown[0].text
            issue = DataIssue("unread_portal_sentence", "eoir_text", first,
                              msg("issue.unread_portal_sentence", value=quote(first)[:80], count=len(unknown)))
        return PortalReading(tuple(found), sentences, issue)

    def _sentences(self, text: str) -> list[Sentence]:
        """The sentences of the text (and decision dates of labels), in order, with their section."""
        out: list[Sentence] = []
        section: str | None = None
        block: list[str] = []
        label: PortalLabel | None = None
        left = 0  # value lines the current label may still take

        def flush() -> None:
            if block:
                out.extend(self._read_block(" ".join(block), section))
                block.clear()

        for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            line = " ".join(raw.split())
            if not line:
                flush()
                label, left = None, 0
                continue
            key = fold(line)
            if key in self.headings:
                flush()
                section, label, left = self.headings[key], None, 0
                continue
            found = self._label(line, key)
            if found is not None:
                flush()
                label, rest = found
                left = 0 if rest else label.lines
                if rest:
                    self._value(label, rest, section, out)
                continue
            if label is not None and left and key not in self.furniture and not self._a_sentence(line, first=left == label.lines):
                self._value(label, line, section, out)
                left -= 1
                continue
            label, left = None, 0
            if key in self.furniture:
                flush()
                continue
            block.append(line)
        flush()
        return out

    def _label(self, line: str, key: str) -> tuple[PortalLabel, str] | None:
        """The label a line is (its value then on the lines below), or starts with before a colon.
        A label written with a colon ("Name:") is one only with its colon."""
        head, colon, rest = line.partition(":")
        if colon and fold(head) in self.colon:
            return self.labels[fold(head)], rest.strip()
        if key in self.labels and key not in self.colon:
            return self.labels[key], ""
        return None

    @staticmethod
    def _a_sentence(line: str, *, first: bool) -> bool:
        """Whether a line under a label is a sentence of its own rather than the label's value. The
        first line is always the value (a name is never read as a sentence, nor "Pending" under a
        brief's status); a later one (an address goes on for lines) is a sentence when it ends as
        one, with a full stop: names, addresses and web addresses do not.

        >>> PortalReader._a_sentence("ACTIVE, TX 77002", first=False), PortalReader._a_sentence("This case is pending.", first=False)
        (False, True)
        """
        return not first and line.rstrip().endswith((".", "!", "?"))

    def _value(self, label: PortalLabel, value: str, section: str | None, out: list[Sentence]) -> None:
        if label.value != "decision_date":
            return  # a name, an A-number, an address: never read
        read = read_date(value.strip())
        text = f"{label.names[0].rstrip(':')} {value.strip()}"
        if isinstance(read.value, PartialDate | DateReadings):
            out.append(Sentence(text, section, dates=((value.strip(), read.value),), kind="decision_date"))
        else:
            out.append(Sentence(text, section, why=self.why["unreadable_date"], kind="decision_date"))

    def _read_block(self, block: str, section: str | None) -> list[Sentence]:
        out = []
        for part in _split(block):
            if fold(part) in self.furniture or not _HAS_LETTER.search(part):
                continue
            out.append(self._read_sentence(part, section))
        return out

    def _read_sentence(self, text: str, section: str | None) -> Sentence:
        codes, appeal, why = self.readers[section].statuses(text)
        found, _ = self.other.scan(fold(text).split())
        others = {m for match in found for m in match.meanings}
        other = others.pop() if len(others) == 1 else None
        dates = _dates(text)
        if why is None or why == "no_status" or (why == "unrecognised" and (appeal or other)):
            return Sentence(text, section, codes, appeal, other, dates)
        reason = self.why["unknown_sentence"] if why in ("unrecognised", "unknown") else self.vocabulary_why[why]
        return Sentence(text, section, (), appeal, other, dates, reason)

    # ------------------------------------------------------------------------------- fields

    def _case_status(self, sentences: tuple[Sentence, ...]) -> Found | None:
        unknown = [s for s in sentences if s.why is not None and s.kind == "sentence"]
        if unknown:
            texts = tuple(s.text for s in unknown)
            why = unknown[0].why
            read = Read(CaseStatus((), None), Reading("case_status", quote(" ".join(texts)), None, why))
            return Found("case_status", read, texts, "")
        events = [s for s in sentences if s.codes]
        if not events:
            return None
        codes = self.statuses.refine(tuple(dict.fromkeys(c for s in events for c in s.codes)))
        texts = tuple(s.text for s in events)
        return Found("case_status", self.statuses.status_read(codes, None, " ".join(texts)), texts, "; ".join(codes))

    def _order_date(self, sentences: tuple[Sentence, ...]) -> Found | None:
        orders = [s for s in sentences if s.kind == "sentence" and self.order_statuses.intersection(s.codes)]
        sections = {s.section for s in orders}
        labels = [s for s in sentences if s.kind == "decision_date" and s.section in sections]
        candidates = [s for s in orders if s.dates] + labels
        if not candidates:
            return None
        texts = tuple(dict.fromkeys(s.text for s in candidates))
        values = {v for s in candidates for _, v in s.dates}
        unreadable = [s for s in candidates if s.why is not None]
        if len(values) == 1 and not unreadable and all(len(s.dates) == 1 for s in candidates):
            value = values.pop()
            written = str(value) if isinstance(value, PartialDate) else candidates[0].dates[0][0]
            return Found("order_date", Read(value, Reading("order_date", quote(" ".join(texts)), _Shown(value))), texts, written)
        why = self.why["unreadable_date"] if unreadable and len(values) <= 1 else self.why["several_dates"]
        return Found("order_date", Read(None, Reading("order_date", quote(" ".join(texts)), None, why)), texts, "")

    def _answer(self, field: str) -> Callable[[tuple[Sentence, ...]], Found | None]:
        """The builder of a yes/no field from the sentences that answer it (both answers: unknown)."""
        attribute = "appeal" if field == "appeal_filed" else "other_case"

        def build(sentences: tuple[Sentence, ...]) -> Found | None:
            said = [s for s in sentences if getattr(s, attribute) is not None]
            if not said:
                return None
            texts = tuple(s.text for s in said)
            answers = {getattr(s, attribute) for s in said}
            if len(answers) == 1:
                answer = answers.pop()
                return Found(field, Read(answer, Reading(field, quote(" ".join(texts)), CatalogText(f"answer.{answer}"))), texts, answer)
            return Found(field, Read("unknown", Reading(field, quote(" ".join(texts)), None, self.why["both_answers"])), texts, "")

        return build

    # ------------------------------------------------------------------------------- merging

    def merge(self, reads: Mapping[str, Read]) -> dict[str, Read]:
        """The portal reading (``reads["eoir_text"]``) merged with the other fields of the same
        person: it fills only what they leave blank; where a field says something else, the case
        status becomes the statuses both name (review when they are several), and any other fact
        a :class:`Conflict` (review), each quoting both texts. The one merge for every path.

        >>> from eligibility.normalize import normalizer_for
        >>> from eligibility.rules import load_rules
        >>> normalizer = normalizer_for(load_rules())
        >>> raw = {"case_status": "terminated", "eoir_text": "On May 4, 2020, the immigration judge TERMINATED the case."}
        >>> normalizer.to_record(raw).case_status.codes
        ('terminated',)
        >>> normalizer.to_record({**raw, "appeal_filed": "yes", "eoir_text": "No appeal was received for this case."}).appeal_filed
        Conflict(values=('yes', 'no'))
        """
        out = dict(reads)
        portal = out.get("eoir_text")
        if portal is None:
            return out
        out["eoir_text"] = Read(None, None, portal.issue)  # the text itself is not a fact; its issue stays
        reading = portal.value
        if not isinstance(reading, PortalReading):
            return out
        for found in reading.found:
            column = out.get(found.field)
            out[found.field] = found.read if column is None or _blank(column) else self._merge(found.field, column, found.read)
        return out

    def _merge(self, field: str, column: Read, portal: Read) -> Read:
        both = f"{_shown(column)} | EOIR: {portal.reading.text if portal.reading else ''}"
        if field == "case_status":
            mine = column.value.codes if isinstance(column.value, CaseStatus) else ()
            theirs = portal.value.codes if isinstance(portal.value, CaseStatus) else ()
            if mine and theirs:
                codes = self.statuses.refine(tuple(dict.fromkeys(mine + theirs)))
                if codes == mine:
                    return column  # the portal says the same (or only part of it)
                read = self.statuses.status_read(codes, column.value.appeal, both)
                return Read(read.value, read.reading, column.issue)
            if not mine and not theirs:
                return column  # neither could be read: unknown, as the field alone is
        elif field == "order_date":
            if column.value is None and portal.value is None:
                return column
            if column.value is not None and portal.value is not None:
                if _inside(column.value, portal.value):
                    return column  # the field is as precise or more
                if _inside(portal.value, column.value):  # the portal names the day within it
                    return Read(portal.value, Reading(field, quote(both), _Shown(portal.value)), column.issue)
        elif column.value == portal.value:
            return column
        return Read(Conflict((column.value, portal.value)), Reading(field, quote(both), None, self.why["sources_disagree"]), column.issue)


def _blank(read: Read) -> bool:
    """A field left blank (or answered "unknown"): nothing written that could disagree."""
    return read.reading is None and read.value in (None, "unknown")


def _shown(read: Read) -> str:
    """A field as its quote shows it: the text as written, or the value it holds."""
    if read.reading is not None:
        return read.reading.text
    value = read.value
    if isinstance(value, CaseStatus):
        return "; ".join(value.codes)
    return "" if value is None else str(value)


def _inside(value: DateValue, outer: DateValue) -> bool:
    """Whether every reading of ``value`` lies within a reading of ``outer``."""
    return all(any(o.start <= r.start and r.end <= o.end for o in readings_of(outer)) for r in readings_of(value))


def _split(block: str) -> list[str]:
    """Cut running text into sentences at a full stop (or ! ?) before a capital letter, but not
    after a single letter ("U.S. Court", "a.m.").

    >>> _split("This case is pending. No appeal was received for the U.S. Court. It is still pending.")
    ['This case is pending.', 'No appeal was received for the U.S. Court.', 'It is still pending.']
    """
    parts: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(block):
        before = re.search(r"([^\W\d_]+)$", block[start : match.start()])
        if before is not None and len(before.group(1)) == 1:
            continue
        parts.append(block[start : match.end()].strip())
        start = match.end()
    parts.append(block[start:].strip())
    return [p for p in parts if p]


def _dates(text: str) -> tuple[tuple[str, DateValue], ...]:
    """The dates a sentence names, as written and as read (each distinct date once).

    >>> [str(v) for _, v in _dates("On January 5, 2020, the judge ruled; hearing on 6 de agosto de 2026 at 8:30 AM.")]
    ['2020-01-05', '2026-08-06']
    """
    found: dict[Any, str] = {}
    for match in _DATES.finditer(text):
        written = match.group(0)
        value = read_date(written.replace(",", " ")).value
        if isinstance(value, DateReadings) or (isinstance(value, PartialDate) and value.precision == "day"):
            found.setdefault(value, written)
    return tuple((written, value) for value, written in found.items())


__all__ = ["PORTAL_FIELDS", "Found", "PortalReader", "PortalReading", "Sentence"]
